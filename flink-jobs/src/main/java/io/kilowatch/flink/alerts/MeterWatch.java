package io.kilowatch.flink.alerts;

import java.util.Arrays;

/**
 * What the alert rules remember of one meter between readings. A mutable POJO in keyed state
 * (Flink's POJO serializer: public fields, a no-argument constructor).
 */
public class MeterWatch {
    public static final long NONE = Long.MIN_VALUE;

    /** Event time of the last reading evaluated. */
    public long lastTs = NONE;
    /** The shortest time between two of its readings so far, ms (0 until there are two). */
    public long periodMs;
    /** Highest import register seen, kWh (a register below it went backwards). */
    public double maxImportKwh = Double.NaN;
    /** Per UTC hour of day, what this meter usually draws ({@link SpikeRule}): mean kW, mean of kW², days seen. */
    public double[] spikeMeanKw = nan(24);

    public double[] spikeMeanSqKw = nan(24);
    public byte[] spikeDays = new byte[24];
    /** The hour being summed for them (its start), and its sums. */
    public long spikeHour = NONE;

    public double spikeHourSum;
    public double spikeHourSumSq;
    public int spikeHourN;
    /** An excursion out of line: its first and last reading, highest kW and the limit it crossed. */
    public long spikeFrom = NONE;

    public long spikeLast = NONE;
    public double spikeWorst;
    public double spikeLimit;
    /** kW of the last reading in line; around the excursion: the reading before it, the highest after it. */
    public double spikePrevKw = Double.NaN;

    public double spikeBeforeKw = Double.NaN;
    public double spikeAfterKw = Double.NaN;
    /** Energy this meter imported in the quarter-hour starting at {@link #quarterStart}, kWh. */
    public long quarterStart = NONE;

    public double quarterKwh;
    /** Energy of the hour starting at {@link #hourStart}, kWh. */
    public long hourStart = NONE;

    public double hourKwh;
    /** Per UTC hour of day: the energy of its last occurrence (kWh) and when that hour started. */
    public double[] lastHoursKwh = nan(24);

    public long[] lastHoursStart = new long[24];
    /** Per UTC hour of day: the meter's usual energy in it (kWh), learnt day by day. */
    public double[] usualKwh = nan(24);
    /** One episode per {@link Condition}, by ordinal. */
    public Episode[] episodes = newEpisodes();

    public Episode episode(Condition c) {
        return episodes[c.ordinal()];
    }

    private static double[] nan(int n) {
        double[] a = new double[n];
        Arrays.fill(a, Double.NaN);
        return a;
    }

    private static Episode[] newEpisodes() {
        Episode[] e = new Episode[Condition.values().length];
        for (int i = 0; i < e.length; i++) {
            e[i] = new Episode();
        }
        return e;
    }
}

package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.Cell;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.flink.records.LoadSums;
import java.util.Arrays;

/**
 * A meter's state for one interval: sums and extremes of kW, the register samples that bound
 * it, which timestamps were counted (for dedup), and what was last emitted for it (so a
 * correction can send the difference to the aggregates). Part of {@link MeterState}, written by
 * {@link MeterStateSerializer}; kept until the interval's allowed lateness has passed.
 */
public class IntervalAcc {
    public static final byte NO_EVENT = 0;
    public static final byte ROLLOVER = 1;
    public static final byte RESET = 2;
    public static final byte BACKWARDS = 3;
    private static final int[] NONE = new int[0];

    /** The interval's start, epoch ms. */
    public long start;

    public long count;
    public double sumKw;
    public double maxKw = Double.NEGATIVE_INFINITY;
    public double minKw = Double.POSITIVE_INFINITY;
    /** Readings that carried reactive power, and the sum of its magnitude (kvar): kvarh for the bills' power factor. */
    public long kvarCount;

    public double sumAbsKvar;
    /** Millisecond offsets into the interval of the readings counted, sorted: four bytes a reading. */
    public int[] seen = NONE;

    public long regFirstTs = Long.MAX_VALUE;
    public double regFirst = Double.NaN;
    public long regLastTs = Long.MIN_VALUE;
    public double regLast = Double.NaN;
    public byte registerEvent = NO_EVENT;
    /** The interpolated kW when the interval had no reading and was filled; NaN otherwise. */
    public double estimatedKw = Double.NaN;
    /** Membership fixed at the first emission, so corrections go where the first values went. */
    public Cell cell;

    public boolean emitted;
    public double emKwAvg;
    public double emKwMax;
    public double emKwMin;
    public double emKwh;
    public long emReadings;
    public long emMeters;
    public long emEstimated;

    public IntervalAcc() {}

    IntervalAcc(long start) {
        this.start = start;
    }

    static IntervalAcc estimated(long start, double kw) {
        IntervalAcc a = new IntervalAcc(start);
        a.estimatedKw = kw;
        return a;
    }

    /**
     * Sets what was last emitted from the interval's own values: between operations the
     * operator keeps the two equal, so a restored interval needs only the energy written down.
     */
    void rememberEmittedFromValues() {
        if (isEstimated()) {
            emKwAvg = emKwMax = emKwMin = estimatedKw;
            emReadings = 0;
            emMeters = 0;
            emEstimated = 1;
        } else {
            emKwAvg = sumKw / count;
            emKwMax = maxKw;
            emKwMin = minKw;
            emReadings = count;
            emMeters = 1;
            emEstimated = 0;
        }
    }

    /** What the aggregates hold of this interval: the share last emitted, rounded as they count it. */
    LoadSums emittedShare() {
        return emitted
                ? LoadSums.member(emKwAvg, emKwMax, emKwMin, emKwh, emReadings, emMeters, emEstimated)
                : LoadSums.ZERO;
    }

    void rememberEmitted(LoadPoint p) {
        emitted = true;
        emKwAvg = p.kwAvg();
        emKwMax = p.kwMax();
        emKwMin = p.kwMin();
        emKwh = p.kwh();
        emReadings = p.readings();
        emMeters = p.meters();
        emEstimated = p.estimated();
    }

    /** Records {@code offset} as counted; false when it was counted before (a duplicate). */
    boolean markSeen(int offset) {
        int i = Arrays.binarySearch(seen, offset);
        if (i >= 0) {
            return false;
        }
        int at = -i - 1;
        int[] grown = new int[seen.length + 1];
        System.arraycopy(seen, 0, grown, 0, at);
        grown[at] = offset;
        System.arraycopy(seen, at, grown, at + 1, seen.length - at);
        seen = grown;
        return true;
    }

    void addKw(double kw) {
        estimatedKw = Double.NaN;
        count++;
        sumKw += kw;
        maxKw = Math.max(maxKw, kw);
        minKw = Math.min(minKw, kw);
    }

    void addKvar(double kvar) {
        if (!Double.isNaN(kvar)) {
            kvarCount++;
            sumAbsKvar += Math.abs(kvar);
        }
    }

    /** Reactive energy of the interval from its readings' mean |kvar|; NaN when none carried it. */
    double kvarh(double hours) {
        return kvarCount == 0 ? Double.NaN : sumAbsKvar / kvarCount * hours;
    }

    /** Adds a register sample; says whether it became the first (1), the last (2) or both (3) of the interval. */
    int addRegister(long ts, double kwh) {
        int changed = 0;
        if (ts < regFirstTs) {
            regFirstTs = ts;
            regFirst = kwh;
            changed |= 1;
        }
        if (ts > regLastTs) {
            regLastTs = ts;
            regLast = kwh;
            changed |= 2;
        }
        return changed;
    }

    boolean hasRegister() {
        return !Double.isNaN(regFirst);
    }

    boolean isEstimated() {
        return !Double.isNaN(estimatedKw);
    }

    static String eventName(byte e) {
        return switch (e) {
            case ROLLOVER -> "rollover";
            case RESET -> "reset";
            case BACKWARDS -> "backwards";
            default -> null;
        };
    }
}

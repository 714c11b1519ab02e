package io.kilowatch.sim.fleet;

import io.kilowatch.model.Reading;
import java.time.Duration;

/**
 * N residential meters reading every {@code period}: produces each tick's readings. A reading at
 * {@code ts} carries the average kW of [ts, ts + period) and the import register at the instant
 * {@code ts}; the register then advances by exactly that energy (kW × period), so registers and
 * power agree. It starts at a per-meter value so meters do not all read zero.
 */
public final class Fleet {
    private final String prefix;
    private final int meters;
    private final LoadShape shape;
    private final double periodHours;
    private final double[] registerKwh;

    public Fleet(String prefix, int meters, long seed, Duration period, java.time.ZoneOffset zone) {
        this.prefix = prefix;
        this.meters = meters;
        this.shape = new LoadShape(seed, zone);
        this.periodHours = period.toMillis() / 3_600_000.0;
        this.registerKwh = new double[meters];
        for (int m = 0; m < meters; m++) {
            registerKwh[m] = 1000.0 + (m * 7919 % 20_000);
        }
    }

    public int size() {
        return meters;
    }

    public String meterId(int m) {
        return String.format("%s%05d", prefix, m);
    }

    /** The reading of meter {@code m} for the period starting at {@code ts}; call once per (m, ts), in time order. */
    public Reading read(int m, long ts) {
        double kw = shape.kw(m, ts);
        double registerAtTs = Math.round(registerKwh[m] * 1000.0) / 1000.0;
        registerKwh[m] += kw * periodHours;
        double v = shape.voltage(m, ts);
        double pf = shape.pf(m, ts);
        double amps = Math.round(kw * 1000.0 / (v * pf) * 1000.0) / 1000.0;
        return new Reading(meterId(m), ts, kw, registerAtTs, null, null, new double[] {v}, new double[] {amps}, pf);
    }
}

package io.kilowatch.flink.curves;

/**
 * The arithmetic of a meter's import register, without state: how it moved from one sample to the
 * next in time order and what that adds to the offset that makes the series monotonic
 * ({@link #step}), and an interval's energy from the register at its boundaries ({@link #energy}).
 * A register that wraps near its top (from ≥ 90 % of the range to ≤ 10 %) rolled over and
 * continues from the range; one that drops to below the reset threshold is a new meter (a swap)
 * and continues from where the old one stopped; any other drop is a register going backwards
 * (tampering or a misread): reported, and not unwrapped, so the interval's energy is not
 * invented from it.
 */
public final class RegisterSeries {
    /**
     * @param event {@link IntervalAcc#NO_EVENT}, {@link IntervalAcc#ROLLOVER}, {@link IntervalAcc#RESET} or
     *     {@link IntervalAcc#BACKWARDS}
     * @param offsetAddedKwh what to add to the meter's register offset from this sample on
     */
    public record Step(byte event, double offsetAddedKwh) {}

    static final Step FORWARD = new Step(IntervalAcc.NO_EVENT, 0);

    private RegisterSeries() {}

    /**
     * The step from {@code lastRaw} (NaN for the meter's first sample) to {@code raw}, both as read
     * from the register, for a register that wraps at {@code rolloverKwh}.
     */
    public static Step step(double lastRaw, double raw, double rolloverKwh, double resetBelowKwh) {
        if (Double.isNaN(lastRaw) || !(raw < lastRaw)) { // only a drop is an event (and never a NaN)
            return FORWARD;
        }
        if (lastRaw >= 0.9 * rolloverKwh && raw <= 0.1 * rolloverKwh) {
            return new Step(IntervalAcc.ROLLOVER, rolloverKwh);
        }
        if (raw <= resetBelowKwh) {
            return new Step(IntervalAcc.RESET, lastRaw - raw);
        }
        return new Step(IntervalAcc.BACKWARDS, 0);
    }

    /**
     * Energy of an interval {@code [start, start + length)} as the difference of the (unwrapped)
     * import register at its two boundaries, each the sample on the boundary or linearly
     * interpolated between the samples either side of it ({@code prev}'s last and {@code acc}'s
     * first; {@code acc}'s last and {@code next}'s first). NaN (the caller falls back to power ×
     * time) when a boundary is not bracketed yet, or when the register reset or ran backwards
     * across the interval: a swap or tampering must never show up as a spike of energy.
     *
     * @param prev the interval before, or null
     * @param next the interval after, or null
     */
    public static double energy(IntervalAcc prev, IntervalAcc acc, IntervalAcc next, long start, long length) {
        if (!acc.hasRegister()
                || acc.registerEvent == IntervalAcc.RESET
                || acc.registerEvent == IntervalAcc.BACKWARDS) {
            return Double.NaN;
        }
        long end = start + length;
        if (next != null && (next.registerEvent == IntervalAcc.RESET || next.registerEvent == IntervalAcc.BACKWARDS)) {
            return Double.NaN;
        }
        double atStart = acc.regFirstTs == start
                ? acc.regFirst
                : prev != null && prev.hasRegister()
                        ? interpolate(start, prev.regLastTs, prev.regLast, acc.regFirstTs, acc.regFirst)
                        : Double.NaN;
        double atEnd = next != null && next.hasRegister()
                ? (next.regFirstTs == end
                        ? next.regFirst
                        : interpolate(end, acc.regLastTs, acc.regLast, next.regFirstTs, next.regFirst))
                : Double.NaN;
        double kwh = atEnd - atStart;
        return kwh >= 0 ? kwh : Double.NaN;
    }

    private static double interpolate(long at, long t0, double v0, long t1, double v1) {
        return v0 + (v1 - v0) * ((double) (at - t0) / (t1 - t0));
    }
}

package io.kilowatch.flink.curves;

/**
 * How a meter's import register moved from one sample to the next in time order, and what that
 * adds to the offset that makes the series monotonic: the arithmetic of unwrapping, without
 * state. A register that wraps near its top (from ≥ 90 % of the range to ≤ 10 %) rolled over and
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
}

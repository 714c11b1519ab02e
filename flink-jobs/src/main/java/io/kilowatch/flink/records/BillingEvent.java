package io.kilowatch.flink.records;

/**
 * From a meter's curve to its customer's bills: either a 15-minute interval's energy (each time
 * the meter's point is emitted: when the interval closes and again on every correction within
 * the allowed lateness) or, for customers billed on demand, a counted reading (for the early
 * warning of a new monthly maximum).
 *
 * @param time the interval's start, or the reading's ts
 * @param kwh interval energy (import, ≥ 0), kWh; NaN for a reading
 * @param kvarh interval reactive energy, kvarh; NaN when not measured, and for a reading
 * @param kw the reading's power, kW; NaN for an interval
 */
public record BillingEvent(boolean interval, String customerId, String meterId, long time, double kwh, double kvarh, double kw,
                           BillingTerms terms) {

    public static BillingEvent interval(String customerId, String meterId, long start, double kwh, double kvarh, BillingTerms terms) {
        return new BillingEvent(true, customerId, meterId, start, Math.max(0, kwh), kvarh, Double.NaN, terms);
    }

    public static BillingEvent reading(String customerId, String meterId, long ts, double kw, BillingTerms terms) {
        return new BillingEvent(false, customerId, meterId, ts, Double.NaN, Double.NaN, kw, terms);
    }
}

package io.kilowatch.flink.alerts;

/**
 * A meter that recorded far less than its usual over the theft window, sent to its transformer
 * area's balance, which raises {@code theft_suspected} only if the energy still flowed (the
 * area's unmetered energy rose by about as much). Sent at every hour close while the drop holds
 * ({@code holds}), and once with {@code holds} false when it is over.
 *
 * @param openedAt when the meter's drop was first seen (the alert's id)
 * @param usualKwh what the meter usually records over the window
 * @param actualKwh what it recorded
 * @param missingByHour per hour of the window, in order: usual − recorded, kWh (at least 0)
 */
public record Suspicion(
        String transformerId,
        String meterId,
        String customerId,
        long windowStart,
        long windowEnd,
        long openedAt,
        double usualKwh,
        double actualKwh,
        double[] missingByHour,
        boolean holds) {
    /** Energy the meter did not record against its usual, kWh. */
    public double missingKwh() {
        return Math.max(usualKwh - actualKwh, 0);
    }
}

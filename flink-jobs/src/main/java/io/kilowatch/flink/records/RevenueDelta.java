package io.kilowatch.flink.records;

/**
 * A change of one customer's contribution to an aggregate's month (the {@code revenue}
 * measurement): billed and projected totals under the current plan, and the saving its hints
 * offer, in fen, so sums are exact and independent of order.
 *
 * @param level class, region or feeder
 * @param customers +1 when a customer first counts in the month, else 0
 */
public record RevenueDelta(
        String level,
        String id,
        String month,
        long monthStart,
        long billedFen,
        long projectedFen,
        long savingFen,
        long customers) {
    public String key() {
        return level + "/" + id + "/" + month;
    }
}

package io.kilowatch.flink.records;

/** An aggregate's month: the {@code revenue} measurement (one point per level, id and month, at the month's start, overwritten). */
public record RevenuePoint(
        String level,
        String id,
        String month,
        long monthStart,
        long billedFen,
        long projectedFen,
        long savingFen,
        long customers) {}

package io.kilowatch.flink.records;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;

/**
 * [from, to) in event time, on 15-minute boundaries: a backfill recomputes whole intervals only,
 * so it never overwrites a complete point with one computed from part of its readings.
 */
public record EventTimeRange(Instant from, Instant to) implements Serializable {
    public EventTimeRange {
        long quarter = Interval.FIFTEEN_MINUTES.length().toMillis();
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("backfill range must not be empty: " + from + " .. " + to);
        }
        if (from.toEpochMilli() % quarter != 0 || to.toEpochMilli() % quarter != 0) {
            throw new IllegalArgumentException(
                    "backfill range must start and end on 15-minute boundaries (UTC): " + from + " .. " + to);
        }
    }

    public boolean contains(long ts) {
        return ts >= from.toEpochMilli() && ts < to.toEpochMilli();
    }

    public Duration length() {
        return Duration.between(from, to);
    }
}

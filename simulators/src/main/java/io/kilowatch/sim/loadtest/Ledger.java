package io.kilowatch.sim.loadtest;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What a load test published per event-time minute and when InfluxDB had the minute's
 * class-level 1-minute points adding up to it: the source of the latency figures. Readings
 * carry their publish time as event time, so a reading's minute is the wall-clock minute it was
 * published in. Thread-safe.
 */
public final class Ledger {
    /** One minute: how many readings, when they were published (ms into the minute), when InfluxDB had them all. */
    public static final class Minute {
        public final long start;
        public long published;
        public long lastPublishedAt;
        public long completeAt;
        final Histogram publishOffsets = new Histogram(60_000, 3);

        Minute(long start) {
            this.start = start;
        }
    }

    private final TreeMap<Long, Minute> minutes = new TreeMap<>();
    private final Histogram publishToPoint = new Histogram(3_600_000, 3);
    private final Histogram closeToPoint = new Histogram(3_600_000, 3);
    private final long closeDelayMs;

    /** @param closeDelayMs how long after a minute's end its window closes: the pipeline's out-of-orderness */
    public Ledger(long closeDelayMs) {
        this.closeDelayMs = closeDelayMs;
    }

    public synchronized void published(long ts, long at) {
        long start = ts - Math.floorMod(ts, 60_000L);
        Minute m = minutes.computeIfAbsent(start, Minute::new);
        m.published++;
        m.lastPublishedAt = Math.max(m.lastPublishedAt, at);
        m.publishOffsets.recordValue(Math.min(59_999, Math.max(0, at - start)));
    }

    /** InfluxDB's class-level readings for a minute: when they first equal what was published, the minute is complete. */
    public synchronized void observed(long minuteStart, long readingsInInflux, long now, boolean publishingPastIt) {
        Minute m = minutes.get(minuteStart);
        if (m == null || m.completeAt != 0 || !publishingPastIt || readingsInInflux != m.published) {
            return;
        }
        m.completeAt = now;
        for (var v : m.publishOffsets.recordedValues()) {
            long latency = Math.max(0, now - (minuteStart + v.getValueIteratedTo()));
            publishToPoint.recordValueWithCount(Math.min(latency, 3_600_000), v.getCountAtValueIteratedTo());
        }
        closeToPoint.recordValue(Math.min(3_600_000, Math.max(0, now - (minuteStart + 60_000 + closeDelayMs))));
    }

    public synchronized Map<Long, Minute> minutes() {
        return new TreeMap<>(minutes);
    }

    public synchronized Histogram publishToPoint() {
        return publishToPoint.copy();
    }

    public synchronized Histogram closeToPoint() {
        return closeToPoint.copy();
    }

    public long closeDelayMs() {
        return closeDelayMs;
    }
}

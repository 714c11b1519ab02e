package io.kilowatch.flink.functions;

import org.apache.flink.streaming.api.TimerService;

/**
 * "At most once a second" for a subtask's reports from the records that flow through it (a
 * non-keyed function cannot set timers). With {@code sampleEvery} > 1 it reads the clock only on
 * every that-many-th record, which keeps the per-reading path free of a clock call each time.
 * Not serializable state: each subtask starts afresh.
 */
public final class OncePerSecond {
    private static final long EVERY_MS = 1_000;
    private final int sampleEvery;
    private long seen;
    private long lastSent = Long.MIN_VALUE;
    private long now;

    public OncePerSecond(int sampleEvery) {
        this.sampleEvery = sampleEvery;
    }

    /** Whether this record is the one to report with; {@link #now()} is then the time it was read. */
    public boolean due(TimerService time) {
        if (lastSent != Long.MIN_VALUE && seen++ % sampleEvery != 0) {
            return false;
        }
        now = time.currentProcessingTime();
        if (lastSent == Long.MIN_VALUE || now - lastSent >= EVERY_MS) {
            lastSent = now;
            return true;
        }
        return false;
    }

    public long now() {
        return now;
    }
}

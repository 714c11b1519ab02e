package io.kilowatch.flink.alerts;

import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * At most one heartbeat a second per subtask while readings flow (the processing time of the
 * reading that sent it), for {@link PipelineWatch}: a single watcher need not see every reading.
 */
public class Heartbeats<T> extends ProcessFunction<T, Long> {
    private static final long EVERY_MS = 1_000;
    private transient long lastSent = Long.MIN_VALUE;

    @Override
    public void processElement(T value, Context ctx, Collector<Long> out) {
        long now = ctx.timerService().currentProcessingTime();
        if (lastSent == Long.MIN_VALUE || now - lastSent >= EVERY_MS) {
            lastSent = now;
            out.collect(now);
        }
    }
}

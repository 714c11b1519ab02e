package io.kilowatch.flink.alerts;

import io.kilowatch.flink.functions.OncePerSecond;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * At most one heartbeat a second per subtask while readings flow (the processing time of the
 * reading that sent it), for {@link PipelineWatch}: a single watcher need not see every reading.
 */
public class Heartbeats<T> extends ProcessFunction<T, Long> {
    private transient OncePerSecond beat;

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
        beat = new OncePerSecond(1);
    }

    @Override
    public void processElement(T value, Context ctx, Collector<Long> out) {
        if (beat.due(ctx.timerService())) {
            out.collect(beat.now());
        }
    }
}

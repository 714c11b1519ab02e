package io.kilowatch.flink.functions;

import io.kilowatch.flink.records.PipelineCount;
import io.kilowatch.model.Reading;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * How far behind the wall clock the newest reading a subtask has seen is, ms — the path's
 * end-to-end latency from the meter's clock to the job (the bridge, Kafka and the job's own
 * backlog) — for the {@code pipeline} measurement ({@code readings_behind_ms} of component
 * {@code <component>-<subtask>}), at most once a second while readings flow. A replay of old
 * data is as far behind as it is old.
 */
public class ReadingsBehind extends ProcessFunction<Reading, PipelineCount> {
    private final String component;
    private transient long newest;
    private transient OncePerSecond report;
    private transient String name;

    public ReadingsBehind(String component) {
        this.component = component;
    }

    @Override
    public void open(OpenContext ctx) {
        name = component + "-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        newest = Long.MIN_VALUE;
        report = new OncePerSecond(64);
    }

    @Override
    public void processElement(Reading r, Context ctx, Collector<PipelineCount> out) {
        newest = Math.max(newest, r.ts());
        if (report.due(ctx.timerService())) {
            out.collect(
                    new PipelineCount(name, "readings_behind_ms", Math.max(report.now() - newest, 0), report.now()));
        }
    }
}

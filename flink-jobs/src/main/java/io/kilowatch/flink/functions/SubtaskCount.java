package io.kilowatch.flink.functions;

import io.kilowatch.flink.records.PipelineCount;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * What one subtask put out, as a running total for the {@code pipeline} measurement, without a
 * shuffle (for streams too large to key for counting, like bills): component
 * {@code <component>-<subtask>}, written at most once a second while records flow. The total
 * starts again at a restart; the dashboard's rates ({@code non_negative_derivative}) skip the drop.
 */
public class SubtaskCount<T> extends ProcessFunction<T, PipelineCount> {
    private final String component;
    private final String counter;
    private transient long total;
    private transient OncePerSecond report;
    private transient String name;

    public SubtaskCount(String component, String counter) {
        this.component = component;
        this.counter = counter;
    }

    @Override
    public void open(OpenContext ctx) {
        name = component + "-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        report = new OncePerSecond(64);
    }

    @Override
    public void processElement(T value, Context ctx, Collector<PipelineCount> out) {
        total++;
        if (report.due(ctx.timerService())) {
            out.collect(new PipelineCount(name, counter, total, report.now()));
        }
    }
}

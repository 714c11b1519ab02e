package io.kilowatch.flink.functions;

import io.kilowatch.flink.records.PipelineCount;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Running totals of what a stage put out, for the {@code pipeline} measurement (the
 * pipeline-health dashboard; kw.late reconciled from InfluxDB): keyed by what is counted, the
 * counter named {@code prefix + key} under {@code component}. The total survives restarts
 * (state). Written at most once a second while records flow, and once more when the input ends.
 */
public class RunningCount<T> extends KeyedProcessFunction<String, T, PipelineCount> {
    private static final long EVERY_MS = 1_000;

    private final String component;
    private final String prefix;
    private transient ValueState<Long> total;
    private transient ValueState<Boolean> flushPending;

    public RunningCount(String component, String prefix) {
        this.component = component;
        this.prefix = prefix;
    }

    @Override
    public void open(OpenContext ctx) {
        // "late-total": the name it had when it counted late readings only; savepoints of count-late restore by it.
        total = getRuntimeContext().getState(new ValueStateDescriptor<>("late-total", Types.LONG));
        flushPending = getRuntimeContext().getState(new ValueStateDescriptor<>("flush-pending", Types.BOOLEAN));
    }

    @Override
    public void processElement(T r, Context ctx, Collector<PipelineCount> out) throws Exception {
        Long t = total.value();
        total.update(t == null ? 1 : t + 1);
        if (flushPending.value() == null) {
            flushPending.update(Boolean.TRUE);
            ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + EVERY_MS);
            // The end of a bounded input fires event-time timers, not processing-time ones.
            ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE - 1);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<PipelineCount> out) throws Exception {
        if (flushPending.value() == null) {
            return;
        }
        flushPending.clear();
        out.collect(new PipelineCount(
                component,
                prefix + ctx.getCurrentKey(),
                total.value(),
                ctx.timerService().currentProcessingTime()));
    }
}

package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.LateReading;
import io.kilowatch.flink.records.PipelineCount;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Running totals of late readings per interval for the {@code pipeline} measurement, so kw.late
 * can be reconciled from InfluxDB. Keyed by interval tag; the total survives restarts (state).
 * Written at most once a second while late data flows, and once more when the input ends.
 */
public class CountLate extends KeyedProcessFunction<String, LateReading, PipelineCount> {
    public static final String COMPONENT = "load-curves";
    private static final long EVERY_MS = 1_000;

    private transient ValueState<Long> total;
    private transient ValueState<Boolean> flushPending;

    @Override
    public void open(OpenContext ctx) {
        total = getRuntimeContext().getState(new ValueStateDescriptor<>("late-total", Types.LONG));
        flushPending = getRuntimeContext().getState(new ValueStateDescriptor<>("flush-pending", Types.BOOLEAN));
    }

    @Override
    public void processElement(LateReading r, Context ctx, Collector<PipelineCount> out) throws Exception {
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
        out.collect(new PipelineCount(COMPONENT, "late_" + ctx.getCurrentKey(), total.value(), ctx.timerService().currentProcessingTime()));
    }
}

package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.InsightPoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Ranks a day's customers by growth (docs/insight.md): keyed by day, it holds the customers'
 * insight points of the day until event time passes its end — every meter's day closes at the
 * same watermark, so by then all are in — and sends them on with {@code growth_rank} (1 = the
 * fastest-growing) and {@code shrink_rank} (1 = the fastest-shrinking), the leads of the
 * marketing dashboard. A point of a day already ranked (recomputed by late data) goes on unranked.
 * State: one day's points, then a marker until two days later.
 */
public class InsightRanks extends KeyedProcessFunction<Long, InsightPoint, InsightPoint> {
    private static final long DAY_MS = 86_400_000L;
    private transient ListState<InsightPoint> waiting;
    private transient ValueState<Boolean> ranked;

    @Override
    public void open(OpenContext ctx) {
        waiting = getRuntimeContext()
                .getListState(new ListStateDescriptor<>("insight-day", TypeInformation.of(InsightPoint.class)));
        ranked = getRuntimeContext().getState(new ValueStateDescriptor<>("insight-day-ranked", Types.BOOLEAN));
    }

    @Override
    public void processElement(InsightPoint p, Context ctx, Collector<InsightPoint> out) throws Exception {
        if (ranked.value() != null) {
            out.collect(p);
            return;
        }
        waiting.add(p);
        ctx.timerService().registerEventTimeTimer(p.dayStart() + DAY_MS);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<InsightPoint> out) throws Exception {
        long day = ctx.getCurrentKey();
        if (t == day + DAY_MS && ranked.value() == null) {
            List<InsightPoint> all = new ArrayList<>();
            waiting.get().forEach(all::add);
            waiting.clear();
            List<InsightPoint> growing = all.stream()
                    .filter(p -> !Double.isNaN(p.growth()))
                    .sorted(Comparator.comparingDouble(InsightPoint::growth)
                            .reversed()
                            .thenComparing(InsightPoint::id))
                    .toList();
            int n = growing.size();
            for (int i = 0; i < n; i++) {
                out.collect(growing.get(i).withRanks(i + 1, n - i));
            }
            all.stream().filter(p -> Double.isNaN(p.growth())).forEach(out::collect);
            ranked.update(Boolean.TRUE);
            ctx.timerService().registerEventTimeTimer(day + 3 * DAY_MS);
        } else if (t == day + 3 * DAY_MS) {
            ranked.clear();
        }
    }
}

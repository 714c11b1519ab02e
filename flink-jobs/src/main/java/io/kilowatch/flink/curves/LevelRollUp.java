package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.AggregateChange;
import io.kilowatch.flink.records.AggregateKey;
import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.flink.records.LoadSums;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The load curve of one aggregate (a transformer, feeder, region or customer class) at one
 * interval length, keyed by {@link AggregateKey}: sums its cells' changes per interval, emits the
 * point when the interval closes and again whenever a late change arrives within the allowed
 * lateness (the point is overwritten in InfluxDB), then folds the final 15-minute points into
 * daily KPIs ({@link #KPIS}).
 */
public class LevelRollUp extends KeyedProcessFunction<AggregateKey, AggregateChange, LoadPoint> {
    public static final OutputTag<DailyKpi> KPIS =
            new OutputTag<>("aggregate-kpis", TypeInformation.of(DailyKpi.class));

    private static final Interval Q = Interval.FIFTEEN_MINUTES;

    private final long[] latenessMs = new long[Interval.values().length];
    private final CurveRules rules;

    private transient MapState<Long, LoadSums> sums;
    private transient ValueState<DayAcc> day;

    public LevelRollUp(Duration allowedLateness1m, Duration allowedLateness15m, CurveRules rules) {
        latenessMs[Interval.ONE_MINUTE.ordinal()] = allowedLateness1m.toMillis();
        latenessMs[Q.ordinal()] = allowedLateness15m.toMillis();
        this.rules = rules;
    }

    @Override
    public void open(OpenContext ctx) {
        sums = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("sums", Types.LONG, TypeInformation.of(LoadSums.class)));
        day = getRuntimeContext().getState(new ValueStateDescriptor<>("day", TypeInformation.of(DayAcc.class)));
    }

    @Override
    public void processElement(AggregateChange c, Context ctx, Collector<LoadPoint> out) throws Exception {
        Interval iv = c.key().interval();
        long end = c.windowStart() + iv.millis() - 1;
        long wm = ctx.timerService().currentWatermark();
        LoadSums sum = sums.get(c.windowStart());
        if (sum == null) {
            if (wm >= end + latenessMs[iv.ordinal()]) {
                // Meters send changes only for intervals they still keep, which is as long as
                // this; a change for one forgotten here would only make a partial point.
                return;
            }
            sum = LoadSums.ZERO;
            if (end > wm) {
                ctx.timerService().registerEventTimeTimer(end);
            }
            ctx.timerService().registerEventTimeTimer(end + latenessMs[iv.ordinal()]);
        }
        sum = sum.plus(c.sums());
        sums.put(c.windowStart(), sum);
        if (wm >= end) {
            out.collect(sum.point(c.key(), c.windowStart()));
        } else {
            // A change for an interval this operator has written already can come while its own
            // watermark is still behind the interval's end: another input channel holds it back,
            // or a restore started it again. The point is written again when event time passes.
            ctx.timerService().registerEventTimeTimer(end);
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<LoadPoint> out) throws Exception {
        AggregateKey key = ctx.getCurrentKey();
        Interval iv = key.interval();
        long closing = t + 1 - iv.millis();
        LoadSums sum = sums.get(closing);
        if (sum != null) {
            out.collect(sum.point(key, closing));
        }
        long expiring = closing - latenessMs[iv.ordinal()];
        LoadSums last = sums.get(expiring);
        if (last != null) {
            sums.remove(expiring);
            if (iv == Q) {
                foldIntoDay(ctx, key, expiring, last);
            }
        }
        DayAcc d = day.value();
        if (d != null && t >= d.dayEnd - 1 + latenessMs[Q.ordinal()]) {
            ctx.output(KPIS, d.kpi(key.level().tag(), key.id(), rules.zone(), rules.kpiCalendar()));
            day.clear();
        }
        if (sums.isEmpty()) {
            sums.clear();
        }
    }

    private void foldIntoDay(OnTimerContext ctx, AggregateKey key, long start, LoadSums s) throws Exception {
        DayAcc d = day.value();
        if (d != null && !d.holds(start)) {
            ctx.output(KPIS, d.kpi(key.level().tag(), key.id(), rules.zone(), rules.kpiCalendar()));
            d = null;
        }
        if (d == null) {
            d = DayAcc.holding(start, rules.zone(), rules.kpiCalendar());
            ctx.timerService().registerEventTimeTimer(d.dayEnd - 1 + latenessMs[Q.ordinal()]);
        }
        d.fold(
                start,
                LoadSums.fromMicro(s.kwAvg()),
                LoadSums.fromMicro(s.kwh()),
                s.estimated() > 0,
                rules.zone(),
                rules.kpiCalendar());
        day.update(d);
    }
}

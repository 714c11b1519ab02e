package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.LoadDelta;
import io.kilowatch.flink.records.LoadPoint;
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
 * interval length: sums its members' changes per interval, emits the point when the interval
 * closes and again whenever a late change arrives within the allowed lateness (the point is
 * overwritten in InfluxDB), then folds the final 15-minute points into daily KPIs ({@link #KPIS}).
 * Keyed by {@link LoadDelta#key()}.
 */
public class LevelRollUp extends KeyedProcessFunction<String, LoadDelta, LoadPoint> {
    public static final OutputTag<DailyKpi> KPIS =
            new OutputTag<>("aggregate-kpis", TypeInformation.of(DailyKpi.class));

    private final long[] latenessMs = new long[Interval.values().length];
    private final CurveRules rules;

    private transient MapState<Long, LoadSum> sums;
    private transient ValueState<DayAcc> day;

    public LevelRollUp(Duration allowedLateness1m, Duration allowedLateness15m, CurveRules rules) {
        latenessMs[Interval.ONE_MINUTE.ordinal()] = allowedLateness1m.toMillis();
        latenessMs[Interval.FIFTEEN_MINUTES.ordinal()] = allowedLateness15m.toMillis();
        this.rules = rules;
    }

    @Override
    public void open(OpenContext ctx) {
        sums = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("sums", Types.LONG, TypeInformation.of(LoadSum.class)));
        day = getRuntimeContext().getState(new ValueStateDescriptor<>("day", TypeInformation.of(DayAcc.class)));
    }

    @Override
    public void processElement(LoadDelta d, Context ctx, Collector<LoadPoint> out) throws Exception {
        Interval iv = d.interval();
        long end = d.windowStart() + iv.millis() - 1;
        long wm = ctx.timerService().currentWatermark();
        LoadSum sum = sums.get(d.windowStart());
        if (sum == null) {
            if (wm >= end + latenessMs[iv.ordinal()]) {
                // Meters send changes only for intervals they still keep, which is as long as
                // this; a change for one forgotten here would only make a partial point.
                return;
            }
            sum = new LoadSum();
            if (end > wm) {
                ctx.timerService().registerEventTimeTimer(end);
            }
            ctx.timerService().registerEventTimeTimer(end + latenessMs[iv.ordinal()]);
        }
        sum.add(d);
        sums.put(d.windowStart(), sum);
        if (wm >= end) {
            out.collect(point(d.level(), d.id(), iv, d.windowStart(), sum));
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<LoadPoint> out) throws Exception {
        String[] key = ctx.getCurrentKey().split("\\|");
        String level = key[0];
        Interval iv = Interval.ofTag(key[key.length - 1]);
        String id = ctx.getCurrentKey()
                .substring(
                        level.length() + 1,
                        ctx.getCurrentKey().length() - iv.tag().length() - 1);
        long closing = t + 1 - iv.millis();
        LoadSum sum = sums.get(closing);
        if (sum != null) {
            out.collect(point(level, id, iv, closing, sum));
        }
        long expiring = closing - latenessMs[iv.ordinal()];
        LoadSum last = sums.get(expiring);
        if (last != null) {
            sums.remove(expiring);
            if (iv == Interval.FIFTEEN_MINUTES) {
                foldIntoDay(ctx, level, id, expiring, last);
            }
        }
        DayAcc d = day.value();
        if (d != null && t >= d.dayEnd - 1 + latenessMs[Interval.FIFTEEN_MINUTES.ordinal()]) {
            ctx.output(KPIS, d.kpi(level, id, rules.zone(), rules.kpiCalendar()));
            day.clear();
        }
        if (sums.isEmpty()) {
            sums.clear();
        }
    }

    private void foldIntoDay(OnTimerContext ctx, String level, String id, long start, LoadSum s) throws Exception {
        DayAcc d = day.value();
        if (d != null && !d.holds(start)) {
            ctx.output(KPIS, d.kpi(level, id, rules.zone(), rules.kpiCalendar()));
            d = null;
        }
        if (d == null) {
            d = DayAcc.holding(start, rules.zone(), rules.kpiCalendar());
            ctx.timerService().registerEventTimeTimer(d.dayEnd - 1 + latenessMs[Interval.FIFTEEN_MINUTES.ordinal()]);
        }
        d.fold(
                start,
                LoadDelta.fromMicro(s.kwAvg),
                LoadDelta.fromMicro(s.kwh),
                s.estimated > 0,
                rules.zone(),
                rules.kpiCalendar());
        day.update(d);
    }

    private static LoadPoint point(String level, String id, Interval iv, long start, LoadSum s) {
        return LoadPoint.aggregate(
                level,
                id,
                iv.tag(),
                start,
                LoadDelta.fromMicro(s.kwAvg),
                LoadDelta.fromMicro(s.kwMax),
                LoadDelta.fromMicro(s.kwMin),
                LoadDelta.fromMicro(s.kwh),
                s.readings,
                s.meters,
                s.estimated);
    }
}

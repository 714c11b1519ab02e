package io.kilowatch.flink.curves;

import static io.kilowatch.flink.records.LoadDelta.micro;

import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.LoadDelta;
import io.kilowatch.flink.records.LoadPoint;
import java.time.Duration;
import java.util.Objects;
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
 * One transformer × customer class cell at one interval length, between the meters and the four
 * aggregate levels. Keyed by {@link LoadDelta#key()}.
 *
 * <p>15 minutes: combines the meters' changes so that a transformer's fifty meters send one
 * change to each level when the interval closes, not fifty; changes for an interval that has
 * closed already (late data) pass straight through.
 *
 * <p>1 minute: receives each meter's deduplicated readings, averages each meter over the minute
 * and sums the meters when the minute closes (one timer per cell and minute, not per meter),
 * writes the 1-minute points of the meters configured for them ({@link #METER_POINTS}), and
 * passes on a reading that arrives within the allowed lateness as the change it makes.
 */
public class CellRollUp extends KeyedProcessFunction<String, LoadDelta, LoadDelta> {
    public static final String TRANSFORMER = "transformer";
    public static final String FEEDER = "feeder";
    public static final String REGION = "region";
    public static final String CLASS = "class";
    public static final OutputTag<LoadPoint> METER_POINTS =
            new OutputTag<>("meter-minute-points", TypeInformation.of(LoadPoint.class));

    private static final Interval M = Interval.ONE_MINUTE;

    private final long minuteLatenessMs;

    private transient MapState<Long, LoadSum> open;
    private transient MapState<Long, MinuteCell> minutes;
    private transient ValueState<LoadDelta> place;

    public CellRollUp(Duration allowedLateness1m) {
        this.minuteLatenessMs = allowedLateness1m.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        open = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("open", Types.LONG, TypeInformation.of(LoadSum.class)));
        minutes = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("minutes", Types.LONG, TypeInformation.of(MinuteCell.class)));
        place = getRuntimeContext().getState(new ValueStateDescriptor<>("place", TypeInformation.of(LoadDelta.class)));
    }

    @Override
    public void processElement(LoadDelta d, Context ctx, Collector<LoadDelta> out) throws Exception {
        LoadDelta where = place.value();
        // Where the cell sits (its feeder and region) comes with its meters' data; a meter
        // removed from the registry sends none, so the last known place is kept.
        if (where == null
                || (d.feederId() != null
                        && (!d.feederId().equals(where.feederId()) || !Objects.equals(d.region(), where.region())))) {
            place.update(d);
            where = d;
        }
        long end = d.windowStart() + d.interval().millis() - 1;
        long wm = ctx.timerService().currentWatermark();
        if (d.isSample()) {
            addReading(d, where, end, wm, ctx, out);
            return;
        }
        if (wm >= end) {
            fanOut(d, where, out);
            return;
        }
        LoadSum sum = open.get(d.windowStart());
        if (sum == null) {
            sum = new LoadSum();
            ctx.timerService().registerEventTimeTimer(end);
        }
        sum.add(d);
        open.put(d.windowStart(), sum);
    }

    private void addReading(LoadDelta d, LoadDelta where, long end, long wm, Context ctx, Collector<LoadDelta> out)
            throws Exception {
        MinuteCell cell = minutes.get(d.windowStart());
        if (cell == null) {
            if (wm >= end + minuteLatenessMs) {
                return; // the meter judged it in time by its own watermark, never later than ours
            }
            cell = new MinuteCell();
            if (end > wm) {
                ctx.timerService().registerEventTimeTimer(end);
            }
            ctx.timerService().registerEventTimeTimer(end + minuteLatenessMs);
        }
        boolean closed = wm >= end;
        int i = cell.indexOf(d.meterId());
        boolean known = i >= 0;
        double avgBefore = known ? cell.avg(i) : 0;
        double maxBefore = known ? cell.max[i] : 0;
        double minBefore = known ? cell.min[i] : 0;
        i = cell.add(d.meterId(), d.sampleKw(), d.meterCurve());
        minutes.put(d.windowStart(), cell);
        if (closed) {
            // Within the allowed lateness: pass on what this reading changed, and the meter's point.
            fanOut(
                    LoadDelta.change(
                            LoadDelta.CELL,
                            where.id(),
                            M,
                            d.windowStart(),
                            where.transformerId(),
                            where.customerClass(),
                            where.feederId(),
                            where.region(),
                            micro(cell.avg(i)) - (known ? micro(avgBefore) : 0),
                            micro(cell.max[i]) - (known ? micro(maxBefore) : 0),
                            micro(cell.min[i]) - (known ? micro(minBefore) : 0),
                            micro(cell.avg(i) * M.hours()) - (known ? micro(avgBefore * M.hours()) : 0),
                            1,
                            known ? 0 : 1,
                            0),
                    where,
                    out);
            meterPoint(ctx, cell, i, d.windowStart());
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<LoadDelta> out) throws Exception {
        LoadDelta where = place.value();
        Interval iv = where.interval();
        long start = t + 1 - iv.millis();
        if (iv == M) {
            MinuteCell cell = minutes.get(start);
            if (cell != null) {
                closeMinute(ctx, where, start, cell, out);
            }
            long expiring = start - minuteLatenessMs;
            if (minutes.contains(expiring)) {
                minutes.remove(expiring);
            }
            if (minutes.isEmpty()) {
                minutes.clear();
            }
            return;
        }
        LoadSum sum = open.get(start);
        if (sum == null) {
            return;
        }
        open.remove(start);
        fanOut(
                LoadDelta.change(
                        LoadDelta.CELL,
                        where.id(),
                        iv,
                        start,
                        where.transformerId(),
                        where.customerClass(),
                        where.feederId(),
                        where.region(),
                        sum.kwAvg,
                        sum.kwMax,
                        sum.kwMin,
                        sum.kwh,
                        sum.readings,
                        sum.meters,
                        sum.estimated),
                where,
                out);
        if (open.isEmpty()) {
            open.clear();
        }
    }

    private void closeMinute(
            OnTimerContext ctx, LoadDelta where, long start, MinuteCell cell, Collector<LoadDelta> out) {
        long avg = 0;
        long max = 0;
        long min = 0;
        long kwh = 0;
        long readings = 0;
        for (int i = 0; i < cell.n; i++) {
            avg += micro(cell.avg(i));
            max += micro(cell.max[i]);
            min += micro(cell.min[i]);
            kwh += micro(cell.avg(i) * M.hours());
            readings += cell.count[i];
            meterPoint(ctx, cell, i, start);
        }
        fanOut(
                LoadDelta.change(
                        LoadDelta.CELL,
                        where.id(),
                        M,
                        start,
                        where.transformerId(),
                        where.customerClass(),
                        where.feederId(),
                        where.region(),
                        avg,
                        max,
                        min,
                        kwh,
                        readings,
                        cell.n,
                        0),
                where,
                out);
    }

    private static void meterPoint(Context ctx, MinuteCell cell, int i, long start) {
        if (cell.curve[i]) {
            double avg = cell.avg(i);
            ctx.output(
                    METER_POINTS,
                    new LoadPoint(
                            LoadPoint.LEVEL_METER,
                            cell.meters[i],
                            M.tag(),
                            start,
                            avg,
                            cell.max[i],
                            cell.min[i],
                            avg * M.hours(),
                            Double.NaN,
                            cell.count[i],
                            1,
                            0,
                            "power",
                            null));
        }
    }

    private static void fanOut(LoadDelta d, LoadDelta where, Collector<LoadDelta> out) {
        if (d.transformerId() != null) {
            out.collect(d.to(TRANSFORMER, d.transformerId()));
        }
        if (where.feederId() != null) {
            out.collect(d.to(FEEDER, where.feederId()));
        }
        if (where.region() != null) {
            out.collect(d.to(REGION, where.region()));
        }
        out.collect(d.to(CLASS, d.customerClass()));
    }
}

package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.AggregateChange;
import io.kilowatch.flink.records.Cell;
import io.kilowatch.flink.records.CellSample;
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
 * The 1-minute intervals of one transformer × class cell, keyed by {@link Cell}: receives each
 * meter's deduplicated readings, averages each meter over the minute and sums the meters when the
 * minute closes (one timer per cell and minute, not per meter), sends the minute to the cell's
 * aggregates, writes the 1-minute points of the meters configured for them ({@link
 * #METER_POINTS}), and passes on a reading that arrives within the allowed lateness as the change
 * it makes.
 */
public class MinuteCells extends KeyedProcessFunction<Cell, CellSample, AggregateChange> {
    public static final OutputTag<LoadPoint> METER_POINTS =
            new OutputTag<>("meter-minute-points", TypeInformation.of(LoadPoint.class));

    private static final Interval M = Interval.ONE_MINUTE;

    private final long latenessMs;

    private transient MapState<Long, MinuteCell> minutes;
    private transient ValueState<CellPlace> place;

    public MinuteCells(Duration allowedLateness1m) {
        this.latenessMs = allowedLateness1m.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        minutes = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("minutes", Types.LONG, TypeInformation.of(MinuteCell.class)));
        place = getRuntimeContext().getState(new ValueStateDescriptor<>("place", TypeInformation.of(CellPlace.class)));
    }

    @Override
    public void processElement(CellSample s, Context ctx, Collector<AggregateChange> out) throws Exception {
        CellPlace known = place.value();
        CellPlace where = CellPlace.keep(known, s.feederId(), s.region());
        if (where != known) {
            place.update(where);
        }
        long end = s.minuteStart() + M.millis() - 1;
        long wm = ctx.timerService().currentWatermark();
        MinuteCell cell = minutes.get(s.minuteStart());
        if (cell == null) {
            if (wm >= end + latenessMs) {
                return; // the meter judged it in time by its own watermark, never later than ours
            }
            cell = new MinuteCell();
            if (end > wm) {
                ctx.timerService().registerEventTimeTimer(end);
            }
            ctx.timerService().registerEventTimeTimer(end + latenessMs);
        }
        // Sent before is closed, whatever the watermark says now (after a restore it starts
        // again from nothing, and the minute's end timer has fired already).
        boolean closed = cell.sent || wm >= end;
        // What the meter's share was matters only for a minute already sent on (a late reading).
        int i = closed ? cell.indexOf(s.meterId()) : -1;
        LoadSums before = i >= 0 ? cell.share(i) : LoadSums.ZERO;
        i = cell.add(s.meterId(), s.kw(), s.meterCurve());
        minutes.put(s.minuteStart(), cell);
        if (closed) {
            // Within the allowed lateness: pass on what this reading changed, and the meter's point.
            where.send(ctx.getCurrentKey(), M, s.minuteStart(), cell.share(i).minus(before), out);
            meterPoint(ctx, cell, i, s.minuteStart());
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<AggregateChange> out) throws Exception {
        long start = t + 1 - M.millis();
        MinuteCell cell = minutes.get(start);
        if (cell != null && !cell.sent) {
            for (int i = 0; i < cell.n; i++) {
                meterPoint(ctx, cell, i, start);
            }
            place.value().send(ctx.getCurrentKey(), M, start, cell.total(), out);
            cell.sent = true;
            if (latenessMs > 0) {
                minutes.put(start, cell); // kept for late readings: they must know it was sent
            }
        }
        long expiring = start - latenessMs;
        if (minutes.contains(expiring)) {
            minutes.remove(expiring);
        }
        if (minutes.isEmpty()) {
            minutes.clear();
        }
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
}

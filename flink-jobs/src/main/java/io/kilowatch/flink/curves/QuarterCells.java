package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.AggregateChange;
import io.kilowatch.flink.records.Cell;
import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.LoadSums;
import io.kilowatch.flink.records.MemberChange;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The 15-minute intervals of one transformer × class cell, keyed by {@link Cell}: combines its
 * meters' changes so that a transformer's fifty meters send one change to each aggregate when
 * the interval closes, not fifty; changes for an interval that has closed already (late data,
 * corrections) pass straight through.
 */
public class QuarterCells extends KeyedProcessFunction<Cell, MemberChange, AggregateChange> {
    private static final Interval Q = Interval.FIFTEEN_MINUTES;

    private transient MapState<Long, LoadSums> open;
    private transient ValueState<CellPlace> place;

    @Override
    public void open(OpenContext ctx) {
        open = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("open", Types.LONG, TypeInformation.of(LoadSums.class)));
        place = getRuntimeContext().getState(new ValueStateDescriptor<>("place", TypeInformation.of(CellPlace.class)));
    }

    @Override
    public void processElement(MemberChange c, Context ctx, Collector<AggregateChange> out) throws Exception {
        CellPlace known = place.value();
        CellPlace where = CellPlace.keep(known, c.feederId(), c.region());
        if (where != known) {
            place.update(where);
        }
        long end = c.windowStart() + Q.millis() - 1;
        if (ctx.timerService().currentWatermark() >= end) {
            where.send(ctx.getCurrentKey(), Q, c.windowStart(), c.sums(), out);
            return;
        }
        LoadSums sum = open.get(c.windowStart());
        if (sum == null) {
            ctx.timerService().registerEventTimeTimer(end);
        }
        open.put(c.windowStart(), sum == null ? c.sums() : sum.plus(c.sums()));
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<AggregateChange> out) throws Exception {
        long start = t + 1 - Q.millis();
        LoadSums sum = open.get(start);
        if (sum == null) {
            return;
        }
        open.remove(start);
        place.value().send(ctx.getCurrentKey(), Q, start, sum, out);
        if (open.isEmpty()) {
            open.clear();
        }
    }
}

package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.LoadDelta;
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

/**
 * Combines the meters of one (transformer, customer class, interval) before they fan out to the
 * four aggregate levels: a transformer's fifty meters send one change to each level when the
 * interval closes, not fifty. Changes for an interval that has closed already (late data)
 * pass straight through. Keyed by {@link LoadDelta#key()}; holds only intervals still open.
 */
public class CellRollUp extends KeyedProcessFunction<String, LoadDelta, LoadDelta> {
    public static final String TRANSFORMER = "transformer";
    public static final String FEEDER = "feeder";
    public static final String REGION = "region";
    public static final String CLASS = "class";

    private transient MapState<Long, LoadSum> open;
    private transient ValueState<LoadDelta> place;

    @Override
    public void open(OpenContext ctx) {
        open = getRuntimeContext().getMapState(new MapStateDescriptor<>("open", Types.LONG, TypeInformation.of(LoadSum.class)));
        place = getRuntimeContext().getState(new ValueStateDescriptor<>("place", TypeInformation.of(LoadDelta.class)));
    }

    @Override
    public void processElement(LoadDelta d, Context ctx, Collector<LoadDelta> out) throws Exception {
        LoadDelta where = place.value();
        // Where the cell sits (its feeder and region) comes with its meters' changes; a meter
        // removed from the registry sends none, so the last known place is kept.
        if (where == null || (d.feederId() != null
                && (!d.feederId().equals(where.feederId()) || !Objects.equals(d.region(), where.region())))) {
            place.update(d);
            where = d;
        }
        long end = d.windowStart() + d.interval().millis() - 1;
        if (ctx.timerService().currentWatermark() >= end) {
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

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<LoadDelta> out) throws Exception {
        LoadDelta where = place.value();
        Interval iv = where.interval();
        long start = t + 1 - iv.millis();
        LoadSum sum = open.get(start);
        if (sum == null) {
            return;
        }
        open.remove(start);
        fanOut(new LoadDelta(LoadDelta.CELL, where.id(), iv, start, where.transformerId(), where.customerClass(),
                where.feederId(), where.region(), sum.kwAvg, sum.kwMax, sum.kwMin, sum.kwh, sum.readings, sum.meters, sum.estimated),
                where, out);
        if (open.isEmpty()) {
            open.clear();
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

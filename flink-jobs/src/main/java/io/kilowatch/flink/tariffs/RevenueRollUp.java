package io.kilowatch.flink.tariffs;

import io.kilowatch.flink.records.RevenueDelta;
import io.kilowatch.flink.records.RevenuePoint;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Billed revenue per class, region and feeder and month, and the saving the hints offer: the sum
 * of the customers' changes (exact, in fen), written once per quarter of event time in which it
 * changed. A month is kept until the watermark passes its end plus a day (late bills close later).
 */
public class RevenueRollUp extends KeyedProcessFunction<String, RevenueDelta, RevenuePoint> {
    private static final long Q = 900_000;
    private static final long DAY = 86_400_000L;

    private transient ValueState<RevenuePoint> sums;

    @Override
    public void open(OpenContext ctx) {
        sums = getRuntimeContext()
                .getState(new ValueStateDescriptor<>("revenue", TypeInformation.of(RevenuePoint.class)));
    }

    @Override
    public void processElement(RevenueDelta d, Context ctx, Collector<RevenuePoint> out) throws Exception {
        RevenuePoint s = sums.value();
        if (s == null) {
            s = new RevenuePoint(d.level(), d.id(), d.month(), d.monthStart(), 0, 0, 0, 0);
            ctx.timerService().registerEventTimeTimer(forgetAt(s));
        }
        sums.update(new RevenuePoint(
                s.level(),
                s.id(),
                s.month(),
                s.monthStart(),
                s.billedFen() + d.billedFen(),
                s.projectedFen() + d.projectedFen(),
                s.savingFen() + d.savingFen(),
                s.customers() + d.customers()));
        long wm = ctx.timerService().currentWatermark();
        long next = wm == Long.MIN_VALUE ? d.monthStart() + Q - 1 : wm - Math.floorMod(wm, Q) + Q - 1;
        ctx.timerService().registerEventTimeTimer(next);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<RevenuePoint> out) throws Exception {
        RevenuePoint s = sums.value();
        if (s == null) {
            return;
        }
        out.collect(s);
        if (t >= forgetAt(s) && t != Long.MAX_VALUE) {
            sums.clear(); // a day after the month: its bills are final (they close at its end + the lateness)
        }
    }

    private static long forgetAt(RevenuePoint s) {
        return s.monthStart() + (long) java.time.YearMonth.parse(s.month()).lengthOfMonth() * DAY + DAY;
    }
}

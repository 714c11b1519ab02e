package io.kilowatch.flink.functions;

import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.LoadPoint;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/**
 * Turns a meter's closed window into its load point.
 *
 * <p>Energy is time-integrated power: {@code kwh = kw_avg × interval length}. Each reading's kW
 * is the average over its sampling period, so with regular sampling no longer than the interval
 * this is exact. Energy from cumulative registers, and gaps, are issue #4's (docs/decisions.md).
 */
public class EmitMeterLoad extends ProcessWindowFunction<LoadAccumulator, LoadPoint, String, TimeWindow> {
    private final Interval interval;

    public EmitMeterLoad(Interval interval) {
        this.interval = interval;
    }

    @Override
    public void process(String meterId, Context ctx, Iterable<LoadAccumulator> sums, Collector<LoadPoint> out) {
        LoadAccumulator acc = sums.iterator().next();
        double avg = acc.sumKw / acc.count;
        out.collect(new LoadPoint(LoadPoint.LEVEL_METER, meterId, interval.tag(), ctx.window().getStart(),
                avg, acc.maxKw, acc.minKw, avg * interval.hours(), acc.count, 1));
    }
}

package io.kilowatch.flink.functions;

import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.LateReading;
import io.kilowatch.model.Reading;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

/** Marks a reading that missed its window (and the allowed lateness) with the interval it missed, and counts it. */
public class TagLateReading extends RichMapFunction<Reading, LateReading> {
    private final Interval interval;
    private transient Counter late;

    public TagLateReading(Interval interval) {
        this.interval = interval;
    }

    @Override
    public void open(OpenContext ctx) {
        late = getRuntimeContext().getMetricGroup().counter("lateReadings_" + interval.tag());
    }

    @Override
    public LateReading map(Reading r) {
        late.inc();
        return new LateReading(r, interval.tag());
    }
}

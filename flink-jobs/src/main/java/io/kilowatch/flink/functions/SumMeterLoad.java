package io.kilowatch.flink.functions;

import io.kilowatch.model.Reading;
import org.apache.flink.api.common.functions.AggregateFunction;

/** Adds a meter's readings of one window into a {@link LoadAccumulator}: constant state per window, whatever the reading rate. */
public class SumMeterLoad implements AggregateFunction<Reading, LoadAccumulator, LoadAccumulator> {
    @Override
    public LoadAccumulator createAccumulator() {
        return new LoadAccumulator();
    }

    @Override
    public LoadAccumulator add(Reading r, LoadAccumulator acc) {
        acc.add(r.kw());
        return acc;
    }

    @Override
    public LoadAccumulator getResult(LoadAccumulator acc) {
        return acc;
    }

    @Override
    public LoadAccumulator merge(LoadAccumulator a, LoadAccumulator b) {
        return a.merge(b);
    }
}

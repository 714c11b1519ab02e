package io.kilowatch.flink.functions;

import io.kilowatch.flink.records.EventTimeRange;
import io.kilowatch.model.Reading;
import org.apache.flink.api.common.functions.FilterFunction;

/** A backfill reads more of Kafka than its range (ingest time is not event time); only readings in range count. */
public class KeepEventTimeRange implements FilterFunction<Reading> {
    private final EventTimeRange range;

    public KeepEventTimeRange(EventTimeRange range) {
        this.range = range;
    }

    @Override
    public boolean filter(Reading r) {
        return range.contains(r.ts());
    }
}

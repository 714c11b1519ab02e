package io.kilowatch.flink.functions;

import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.EventTimeRange;
import org.apache.flink.api.common.functions.FilterFunction;

/** Lets through the KPIs of days that lie wholly inside a backfill's range: the days at its edges were seen only in part. */
public class KeepWholeDays implements FilterFunction<DailyKpi> {
    private final EventTimeRange range;

    public KeepWholeDays(EventTimeRange range) {
        this.range = range;
    }

    @Override
    public boolean filter(DailyKpi k) {
        return range.contains(k.dayStart()) && k.dayEnd() <= range.to().toEpochMilli();
    }
}

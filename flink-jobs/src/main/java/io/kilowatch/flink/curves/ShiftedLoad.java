package io.kilowatch.flink.curves;

import io.kilowatch.flink.influx.LineProtocol;
import io.kilowatch.flink.records.LoadPoint;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Each meter's 15-minute point again as {@code load_compare}, once per shift (by default a day and
 * a week) later: "today against yesterday and the same day last week" is then three curves on one
 * time axis, which neither InfluxQL nor Grafana's InfluxDB queries can do by themselves (a time
 * shift there is per panel, not per query). Shifts are fixed durations, not local calendar days:
 * in a zone with summer time, the day after a change compares with the hour beside it.
 */
public final class ShiftedLoad implements FlatMapFunction<LoadPoint, String> {
    private final long[] shiftMs;
    private final String[] names;

    public ShiftedLoad(List<Duration> shifts) {
        shiftMs = shifts.stream().mapToLong(Duration::toMillis).toArray();
        names = shifts.stream().map(ShiftedLoad::name).toArray(String[]::new);
    }

    @Override
    public void flatMap(LoadPoint p, Collector<String> out) {
        if (!LoadPoint.LEVEL_METER.equals(p.level()) || !"15m".equals(p.interval())) {
            return;
        }
        for (int i = 0; i < shiftMs.length; i++) {
            out.collect(LineProtocol.loadShifted(p, names[i], shiftMs[i]));
        }
    }

    /** The tag value: whole days as {@code 1d}, {@code 7d}; else hours or minutes. */
    static String name(Duration d) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException("curves.compare-shifts must be positive, got " + d);
        }
        if (d.toMillis() % 86_400_000L == 0) {
            return d.toDays() + "d";
        }
        if (d.toMillis() % 3_600_000L == 0) {
            return d.toHours() + "h";
        }
        if (d.toMillis() % 60_000L == 0) {
            return d.toMinutes() + "m";
        }
        throw new IllegalArgumentException("curves.compare-shifts must be whole minutes, got " + d);
    }
}

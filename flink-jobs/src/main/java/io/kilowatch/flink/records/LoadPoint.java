package io.kilowatch.flink.records;

/**
 * One point of a load curve: the {@code load} measurement of DESIGN.md. Power in kW, energy in
 * kWh; {@code windowStart} is the interval's start in epoch ms (event time), which is also the
 * InfluxDB timestamp, so recomputing an interval overwrites the same point.
 *
 * @param level meter, transformer, feeder, region or class
 * @param readings readings that went into the point (after dedup), for reconciliation
 * @param meters meters that reported in the interval
 */
public record LoadPoint(
        String level,
        String id,
        String interval,
        long windowStart,
        double kwAvg,
        double kwMax,
        double kwMin,
        double kwh,
        long readings,
        long meters) {
    public static final String LEVEL_METER = "meter";
}

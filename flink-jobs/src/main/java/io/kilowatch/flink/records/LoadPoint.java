package io.kilowatch.flink.records;

/**
 * One point of a load curve: the {@code load} measurement of DESIGN.md. Power in kW, energy in
 * kWh; {@code windowStart} is the interval's start in epoch ms (event time), which is also the
 * InfluxDB timestamp, so recomputing an interval overwrites the same point.
 *
 * <p>For a meter, {@code kwMax}/{@code kwMin} are the extremes of its readings. For an aggregate
 * they are the sums of its members' extremes (non-coincident peak and minimum), while
 * {@code kwAvg} is the coincident load: see docs/decisions.md.
 *
 * @param level meter, transformer, feeder, region or class
 * @param readings readings that went into the point (after dedup), for reconciliation
 * @param meters members that reported at least one reading in the interval
 * @param estimated members whose value for the interval was filled by interpolation (VEE-lite)
 * @param kvarh meter level, 15 minutes only: reactive energy from the readings' mean |kvar| (for the bills'
 *     power factor); NaN when the readings carried none, and for aggregates and 1-minute points
 * @param energySource meter level only: register, power or estimated (how kwh was obtained); null for aggregates
 * @param registerEvent meter level only: rollover, reset or backwards when the import register did so; else null
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
        double kvarh,
        long readings,
        long meters,
        long estimated,
        String energySource,
        String registerEvent) {
    public static final String LEVEL_METER = "meter";

    /** An aggregate's point, which has no energy source or register event of its own. */
    public static LoadPoint aggregate(
            String level,
            String id,
            String interval,
            long windowStart,
            double kwAvg,
            double kwMax,
            double kwMin,
            double kwh,
            long readings,
            long meters,
            long estimated) {
        return new LoadPoint(
                level,
                id,
                interval,
                windowStart,
                kwAvg,
                kwMax,
                kwMin,
                kwh,
                Double.NaN,
                readings,
                meters,
                estimated,
                null,
                null);
    }
}

package io.kilowatch.flink.records;

/**
 * A change to a member's contribution to aggregate load points. A meter emits one when its
 * interval closes (the whole contribution) and again when a late reading, a filled gap or a
 * neighbouring register sample changes it (the difference). Every aggregate field is a sum over
 * members, so differences add up to the corrected total without keeping per-member state
 * downstream.
 *
 * <p>Power and energy travel as integers of micro-units (µkW, µkWh), so an aggregate is the
 * same sum whatever order its members' changes arrive in: a recovered run writes the same
 * points as a clean one, to the last digit. A micro-kW is a milliwatt, far below any meter's
 * resolution.
 *
 * <p>{@code level}/{@code id}: where the change goes. From a meter it is {@link #CELL}: the
 * meter's transformer and customer class, with its feeder and region riding along; from a cell
 * it is one of the levels of DESIGN.md.
 */
public record LoadDelta(
        String level,
        String id,
        Interval interval,
        long windowStart,
        String transformerId,
        String customerClass,
        String feederId,
        String region,
        long kwAvgMicro,
        long kwMaxMicro,
        long kwMinMicro,
        long kwhMicro,
        long readings,
        long meters,
        long estimated) {
    public static final String CELL = "cell";

    /** The key of the operator that sums this change. */
    public String key() {
        return level + '|' + id + '|' + interval.tag();
    }

    public LoadDelta to(String level, String id) {
        return new LoadDelta(level, id, interval, windowStart, transformerId, customerClass, feederId, region,
                kwAvgMicro, kwMaxMicro, kwMinMicro, kwhMicro, readings, meters, estimated);
    }

    /** A power or energy in micro-units, as aggregates count it. */
    public static long micro(double value) {
        return Math.round(value * 1e6);
    }

    public static double fromMicro(long micro) {
        return micro / 1e6;
    }
}

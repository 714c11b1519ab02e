package io.kilowatch.flink.records;

import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The seven sums an aggregate load point is made of, or a member's share of them, or a change
 * of that share. Power and energy are integers of micro-units (µkW, µkWh), so an aggregate is the
 * same sum whatever order its members' changes arrive in: a recovered run writes the same points
 * as a clean one, to the last digit. A micro-kW is a milliwatt, far below any meter's resolution.
 *
 * <p>{@code kwMax} and {@code kwMin} are sums of the members' extremes (docs/decisions.md: the
 * non-coincident peak; the coincident one is the aggregate's {@code kwAvg}).
 */
public record LoadSums(long kwAvg, long kwMax, long kwMin, long kwh, long readings, long meters, long estimated) {
    public static final LoadSums ZERO = new LoadSums(0, 0, 0, 0, 0, 0, 0);

    /** One member's share, from its own values (kW, kWh) rounded to micro-units. */
    public static LoadSums member(
            double kwAvg, double kwMax, double kwMin, double kwh, long readings, long meters, long estimated) {
        return new LoadSums(micro(kwAvg), micro(kwMax), micro(kwMin), micro(kwh), readings, meters, estimated);
    }

    /** A meter's share of its interval's aggregates, from its point. */
    public static LoadSums of(LoadPoint p) {
        return member(p.kwAvg(), p.kwMax(), p.kwMin(), p.kwh(), p.readings(), p.meters(), p.estimated());
    }

    public LoadSums plus(LoadSums o) {
        return new LoadSums(
                kwAvg + o.kwAvg,
                kwMax + o.kwMax,
                kwMin + o.kwMin,
                kwh + o.kwh,
                readings + o.readings,
                meters + o.meters,
                estimated + o.estimated);
    }

    public LoadSums minus(LoadSums o) {
        return new LoadSums(
                kwAvg - o.kwAvg,
                kwMax - o.kwMax,
                kwMin - o.kwMin,
                kwh - o.kwh,
                readings - o.readings,
                meters - o.meters,
                estimated - o.estimated);
    }

    /** The aggregate's point for {@code key} at {@code start}, in kW and kWh. */
    public LoadPoint point(AggregateKey key, long start) {
        return LoadPoint.aggregate(
                key.level().tag(),
                key.id(),
                key.interval().tag(),
                start,
                fromMicro(kwAvg),
                fromMicro(kwMax),
                fromMicro(kwMin),
                fromMicro(kwh),
                readings,
                meters,
                estimated);
    }

    /** A power or energy in micro-units, as aggregates count it. */
    public static long micro(double value) {
        return Math.round(value * 1e6);
    }

    public static double fromMicro(long micro) {
        return micro / 1e6;
    }

    static void write(LoadSums s, DataOutputView out) throws IOException {
        out.writeLong(s.kwAvg);
        out.writeLong(s.kwMax);
        out.writeLong(s.kwMin);
        out.writeLong(s.kwh);
        out.writeLong(s.readings);
        out.writeLong(s.meters);
        out.writeLong(s.estimated);
    }

    static LoadSums read(DataInputView in) throws IOException {
        return new LoadSums(
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong(),
                in.readLong());
    }
}

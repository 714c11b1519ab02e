package io.kilowatch.flink.records;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

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
 *
 * <p>For 1-minute intervals a meter sends each deduplicated reading instead ({@link #sample}:
 * {@code meterId}, {@code sampleKw}); the cell averages each meter's readings of the minute and
 * sums the meters, so minutes need timers per cell, not per meter. {@code meterCurve} asks the
 * cell to write the meter's own 1-minute point too.
 */
@TypeInfo(LoadDelta.Type.class)
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
        long estimated,
        String meterId,
        double sampleKw,
        boolean meterCurve) {
    public static final String CELL = "cell";

    /** One reading of a meter for its cell's 1-minute interval starting at {@code minuteStart}. */
    public static LoadDelta sample(
            String cell,
            long minuteStart,
            String transformerId,
            String customerClass,
            String feederId,
            String region,
            String meterId,
            double kw,
            boolean meterCurve) {
        return new LoadDelta(
                CELL,
                cell,
                Interval.ONE_MINUTE,
                minuteStart,
                transformerId,
                customerClass,
                feederId,
                region,
                0,
                0,
                0,
                0,
                1,
                0,
                0,
                meterId,
                kw,
                meterCurve);
    }

    /** A change of sums (no single meter's reading). */
    public static LoadDelta change(
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
        return new LoadDelta(
                level,
                id,
                interval,
                windowStart,
                transformerId,
                customerClass,
                feederId,
                region,
                kwAvgMicro,
                kwMaxMicro,
                kwMinMicro,
                kwhMicro,
                readings,
                meters,
                estimated,
                null,
                0,
                false);
    }

    public boolean isSample() {
        return meterId != null;
    }

    /** The key of the operator that sums this change. */
    public String key() {
        return level + '|' + id + '|' + interval.tag();
    }

    public LoadDelta to(String level, String id) {
        return change(
                level,
                id,
                interval,
                windowStart,
                transformerId,
                customerClass,
                feederId,
                region,
                kwAvgMicro,
                kwMaxMicro,
                kwMinMicro,
                kwhMicro,
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

    /** A sample (one per reading) writes only what a sample has; a change writes its sums. */
    public static final class Codec extends WireType.Codec<LoadDelta> {
        static final Codec INSTANCE = new Codec();
        private static final Interval[] INTERVALS = Interval.values();

        private Codec() {
            super(LoadDelta.class);
        }

        @Override
        protected void write(LoadDelta d, DataOutputView out) throws IOException {
            boolean sample = d.isSample();
            out.writeByte(sample ? (d.meterCurve ? 3 : 1) : 0);
            WireType.writeString(d.id, out);
            out.writeLong(d.windowStart);
            WireType.writeString(d.transformerId, out);
            WireType.writeString(d.customerClass, out);
            WireType.writeString(d.feederId, out);
            WireType.writeString(d.region, out);
            if (sample) {
                WireType.writeString(d.meterId, out);
                out.writeDouble(d.sampleKw);
                return;
            }
            WireType.writeString(d.level, out);
            out.writeByte(d.interval.ordinal());
            out.writeLong(d.kwAvgMicro);
            out.writeLong(d.kwMaxMicro);
            out.writeLong(d.kwMinMicro);
            out.writeLong(d.kwhMicro);
            out.writeLong(d.readings);
            out.writeLong(d.meters);
            out.writeLong(d.estimated);
        }

        @Override
        protected LoadDelta read(DataInputView in) throws IOException {
            int kind = in.readByte();
            String id = WireType.readString(in);
            long windowStart = in.readLong();
            String transformer = WireType.readString(in);
            String customerClass = WireType.readString(in);
            String feeder = WireType.readString(in);
            String region = WireType.readString(in);
            if (kind != 0) {
                return sample(
                        id,
                        windowStart,
                        transformer,
                        customerClass,
                        feeder,
                        region,
                        WireType.readString(in),
                        in.readDouble(),
                        kind == 3);
            }
            String level = WireType.readString(in);
            Interval interval = INTERVALS[in.readByte()];
            return change(
                    level,
                    id,
                    interval,
                    windowStart,
                    transformer,
                    customerClass,
                    feeder,
                    region,
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong(),
                    in.readLong());
        }

        @Override
        public TypeSerializerSnapshot<LoadDelta> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<LoadDelta> {
        public Snapshot() {
            super(() -> Codec.INSTANCE);
        }
    }

    public static final class Type extends WireType.Factory<LoadDelta> {
        public Type() {
            super(Codec.INSTANCE);
        }
    }
}

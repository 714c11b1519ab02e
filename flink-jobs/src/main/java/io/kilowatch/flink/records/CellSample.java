package io.kilowatch.flink.records;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * One deduplicated reading of a meter, sent to its cell, which builds the cell's 1-minute
 * intervals: it averages each meter's readings of the minute and sums the meters, so minutes
 * need timers per cell, not per meter. {@code feederId}/{@code region} say where the cell sits
 * (null for class-only cells); {@code meterCurve} asks the cell to write the meter's own 1-minute
 * point too. One per reading: written by hand ({@link WireType}).
 */
@TypeInfo(CellSample.Type.class)
public record CellSample(
        Cell cell, long minuteStart, String feederId, String region, String meterId, double kw, boolean meterCurve) {

    public static final class Codec extends WireType.Codec<CellSample> {
        static final Codec INSTANCE = new Codec();

        private Codec() {
            super(CellSample.class);
        }

        @Override
        protected void write(CellSample s, DataOutputView out) throws IOException {
            Cell.write(s.cell, out);
            out.writeLong(s.minuteStart);
            WireType.writeString(s.feederId, out);
            WireType.writeString(s.region, out);
            WireType.writeString(s.meterId, out);
            out.writeDouble(s.kw);
            out.writeBoolean(s.meterCurve);
        }

        @Override
        protected CellSample read(DataInputView in) throws IOException {
            return new CellSample(
                    Cell.read(in),
                    in.readLong(),
                    WireType.readString(in),
                    WireType.readString(in),
                    WireType.readString(in),
                    in.readDouble(),
                    in.readBoolean());
        }

        @Override
        public TypeSerializerSnapshot<CellSample> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<CellSample> {
        public Snapshot() {
            super(() -> Codec.INSTANCE);
        }
    }

    public static final class Type extends WireType.Factory<CellSample> {
        public Type() {
            super(Codec.INSTANCE);
        }
    }
}

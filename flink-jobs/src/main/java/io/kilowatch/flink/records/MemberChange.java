package io.kilowatch.flink.records;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A change to a meter's share of its cell's 15-minute interval at {@code windowStart}: the whole
 * share when the interval closes, then the difference whenever a late reading, a filled gap or a
 * neighbouring register sample changes it. Every aggregate field is a sum over members, so
 * differences add up to the corrected total without per-member state downstream.
 * {@code feederId}/{@code region} say where the cell sits (null for class-only cells).
 */
@TypeInfo(MemberChange.Type.class)
public record MemberChange(Cell cell, String feederId, String region, long windowStart, LoadSums sums) {

    public static final class Codec extends WireType.Codec<MemberChange> {
        static final Codec INSTANCE = new Codec();

        private Codec() {
            super(MemberChange.class);
        }

        @Override
        protected void write(MemberChange c, DataOutputView out) throws IOException {
            Cell.write(c.cell, out);
            WireType.writeString(c.feederId, out);
            WireType.writeString(c.region, out);
            out.writeLong(c.windowStart);
            LoadSums.write(c.sums, out);
        }

        @Override
        protected MemberChange read(DataInputView in) throws IOException {
            return new MemberChange(
                    Cell.read(in), WireType.readString(in), WireType.readString(in), in.readLong(), LoadSums.read(in));
        }

        @Override
        public TypeSerializerSnapshot<MemberChange> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<MemberChange> {
        public Snapshot() {
            super(() -> Codec.INSTANCE);
        }
    }

    public static final class Type extends WireType.Factory<MemberChange> {
        public Type() {
            super(Codec.INSTANCE);
        }
    }
}

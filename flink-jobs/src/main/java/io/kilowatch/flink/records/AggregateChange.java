package io.kilowatch.flink.records;

import java.io.IOException;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A change to one aggregate's interval at {@code windowStart}, from one of its cells: a closed
 * minute or quarter of the cell, or what a late reading or correction changed in one.
 */
@TypeInfo(AggregateChange.Type.class)
public record AggregateChange(AggregateKey key, long windowStart, LoadSums sums) {
    private static final Level[] LEVELS = Level.values();
    private static final Interval[] INTERVALS = Interval.values();

    public static final class Codec extends WireType.Codec<AggregateChange> {
        static final Codec INSTANCE = new Codec();

        private Codec() {
            super(AggregateChange.class);
        }

        @Override
        protected void write(AggregateChange c, DataOutputView out) throws IOException {
            out.writeByte(c.key.level().ordinal());
            WireType.writeString(c.key.id(), out);
            out.writeByte(c.key.interval().ordinal());
            out.writeLong(c.windowStart);
            LoadSums.write(c.sums, out);
        }

        @Override
        protected AggregateChange read(DataInputView in) throws IOException {
            Level level = LEVELS[in.readByte()];
            String id = WireType.readString(in);
            Interval interval = INTERVALS[in.readByte()];
            return new AggregateChange(new AggregateKey(level, id, interval), in.readLong(), LoadSums.read(in));
        }

        @Override
        public TypeSerializerSnapshot<AggregateChange> snapshotConfiguration() {
            return new Snapshot();
        }
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<AggregateChange> {
        public Snapshot() {
            super(() -> Codec.INSTANCE);
        }
    }

    public static final class Type extends WireType.Factory<AggregateChange> {
        public Type() {
            super(Codec.INSTANCE);
        }
    }
}

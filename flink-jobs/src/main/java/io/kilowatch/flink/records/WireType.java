package io.kilowatch.flink.records;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Type information for an immutable record that crosses a shuffle once per reading, written by
 * hand instead of by Flink's reflective POJO serializer (which showed as a fifth of the per-meter
 * thread in the benchmark's profile: a field accessor per component, a null flag per field, a
 * reflective constructor call per record). Records are immutable, so copy is the identity.
 */
public final class WireType<T> extends TypeInformation<T> {
    /** How one record type is written; a stateless singleton per type. */
    public abstract static class Codec<T> extends TypeSerializerSingleton<T> {
        private final Class<T> type;

        protected Codec(Class<T> type) {
            this.type = type;
        }

        protected abstract void write(T value, DataOutputView out) throws IOException;

        protected abstract T read(DataInputView in) throws IOException;

        @Override
        public final boolean isImmutableType() {
            return true;
        }

        @Override
        public final T createInstance() {
            return null;
        }

        @Override
        public final T copy(T from) {
            return from;
        }

        @Override
        public final T copy(T from, T reuse) {
            return from;
        }

        @Override
        public final int getLength() {
            return -1;
        }

        @Override
        public final void serialize(T value, DataOutputView out) throws IOException {
            write(value, out);
        }

        @Override
        public final T deserialize(DataInputView in) throws IOException {
            return read(in);
        }

        @Override
        public final T deserialize(T reuse, DataInputView in) throws IOException {
            return read(in);
        }

        @Override
        public final void copy(DataInputView in, DataOutputView out) throws IOException {
            write(read(in), out);
        }

        Class<T> type() {
            return type;
        }
    }

    private final Codec<T> codec;

    public WireType(Codec<T> codec) {
        this.codec = codec;
    }

    /** Base of the {@code @TypeInfo} factories of the records. */
    public abstract static class Factory<T> extends TypeInfoFactory<T> {
        private final Codec<T> codec;

        protected Factory(Codec<T> codec) {
            this.codec = codec;
        }

        @Override
        public TypeInformation<T> createTypeInfo(
                java.lang.reflect.Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new WireType<>(codec);
        }
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return codec.type();
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return codec;
    }

    @Override
    public String toString() {
        return "WireType(" + codec.type().getSimpleName() + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WireType<?> w && w.codec.type().equals(codec.type());
    }

    @Override
    public int hashCode() {
        return Objects.hash(codec.type());
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof WireType;
    }

    /**
     * A string that may be null: its length (−1 for null) and its UTF-8 bytes in one write.
     * Flink's StringValue writes a char at a time through the output view, which the profile
     * showed as the largest single cost of sending a sample.
     */
    public static void writeString(String s, DataOutputView out) throws IOException {
        if (s == null) {
            out.writeShort(-1);
            return;
        }
        int n = s.length();
        if (n <= ASCII_SCRATCH) {
            // Ids, classes, plans and feeders are ASCII: their bytes are their chars, copied into
            // this thread's scratch rather than a new array per string (a billing event writes
            // eight; the arrays were half of what sending one allocated).
            byte[] scratch = ASCII.get();
            int i = 0;
            while (i < n) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    break;
                }
                scratch[i++] = (byte) c;
            }
            if (i == n) {
                out.writeShort(n);
                out.write(scratch, 0, n);
                return;
            }
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > Short.MAX_VALUE) {
            throw new IOException("string of " + bytes.length + " bytes is longer than an id or tag can be");
        }
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    private static final int ASCII_SCRATCH = 256;
    private static final ThreadLocal<byte[]> ASCII = ThreadLocal.withInitial(() -> new byte[ASCII_SCRATCH]);

    public static String readString(DataInputView in) throws IOException {
        int length = in.readShort();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * A string written by {@link #writeString} that repeats from record to record (a plan, a
     * class, a feeder): the instance this thread read last time for the same bytes, when it is
     * still in the thread's small cache. A billing event carries its customer's six terms
     * strings; read afresh they were most of what the tariff stage allocated per event (JFR), and
     * the terms' hash, which the stage looks up per interval, was computed again each time.
     */
    public static String readSharedString(DataInputView in) throws IOException {
        int length = in.readShort();
        if (length < 0) {
            return null;
        }
        return SHARED.get().read(in, length);
    }

    private static final ThreadLocal<SharedStrings> SHARED = ThreadLocal.withInitial(SharedStrings::new);

    /**
     * Direct-mapped by the bytes' hash: a miss replaces the slot, so the cache never holds more
     * than {@link #SLOTS} strings however many distinct ones pass (ids would only churn it).
     */
    static final class SharedStrings {
        static final int SLOTS = 1 << 11;
        private static final int MAX_LENGTH = 128;
        private final byte[][] keys = new byte[SLOTS][];
        private final String[] values = new String[SLOTS];
        private final byte[] scratch = new byte[MAX_LENGTH];

        String read(DataInputView in, int length) throws IOException {
            if (length > MAX_LENGTH) {
                byte[] bytes = new byte[length];
                in.readFully(bytes);
                return new String(bytes, StandardCharsets.UTF_8);
            }
            in.readFully(scratch, 0, length);
            int h = 1;
            for (int i = 0; i < length; i++) {
                h = 31 * h + scratch[i];
            }
            int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
            byte[] key = keys[slot];
            if (key != null && java.util.Arrays.equals(key, 0, key.length, scratch, 0, length)) {
                return values[slot];
            }
            byte[] copy = java.util.Arrays.copyOf(scratch, length);
            String s = new String(copy, StandardCharsets.UTF_8);
            keys[slot] = copy;
            values[slot] = s;
            return s;
        }
    }
}

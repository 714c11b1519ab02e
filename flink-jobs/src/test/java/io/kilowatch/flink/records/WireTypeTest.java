package io.kilowatch.flink.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class WireTypeTest {

    @Test
    void recordsCarryTheirHandWrittenTypes() {
        assertThat(TypeInformation.of(MeterSample.class)).isInstanceOf(WireType.class);
        assertThat(TypeInformation.of(LoadDelta.class)).isInstanceOf(WireType.class);
    }

    @Test
    void samplesRoundTripWithAndWithoutRegister() throws IOException {
        for (MeterSample s : new MeterSample[] {new MeterSample("m-1", 1_700_000_000_000L, -2.5, 12345.678),
                new MeterSample("ünï-2", -1, 0.0, Double.NaN)}) {
            assertThat(roundTrip(s, MeterSample.class)).isEqualTo(s);
        }
    }

    @Test
    void deltasRoundTripEveryShape() throws IOException {
        LoadDelta[] deltas = {
                LoadDelta.sample("T1|residential", 60_000, "T1", "residential", "F1", "R1", "m-1", 3.25, false),
                LoadDelta.sample("-|unregistered", 120_000, null, "unregistered", null, null, "m-2", -0.5, true),
                LoadDelta.change(LoadDelta.CELL, "T1|industrial", Interval.FIFTEEN_MINUTES, 900_000, "T1", "industrial", "F1", "R1",
                        1_000_000, 2_000_000, -3, Long.MAX_VALUE, 15, 1, 2),
                LoadDelta.change("region", "R1", Interval.ONE_MINUTE, 0, null, null, null, null, -1, 0, 0, 0, -15, -1, 0)};
        for (LoadDelta d : deltas) {
            assertThat(roundTrip(d, LoadDelta.class)).isEqualTo(d);
        }
    }

    private static <T> T roundTrip(T value, Class<T> type) throws IOException {
        TypeSerializer<T> serializer = TypeInformation.of(type).createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(64);
        serializer.serialize(value, out);
        serializer.serialize(value, out); // two in a row: each reads exactly its own bytes
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        T first = serializer.deserialize(in);
        assertThat(serializer.deserialize(in)).isEqualTo(first);
        assertThat(in.available()).isZero();
        assertThat(serializer.snapshotConfiguration().restoreSerializer()).isSameAs(serializer);
        return first;
    }
}

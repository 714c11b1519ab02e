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
        assertThat(TypeInformation.of(CellSample.class)).isInstanceOf(WireType.class);
        assertThat(TypeInformation.of(MemberChange.class)).isInstanceOf(WireType.class);
        assertThat(TypeInformation.of(AggregateChange.class)).isInstanceOf(WireType.class);
    }

    @Test
    void samplesRoundTripWithAndWithoutRegister() throws IOException {
        for (MeterSample s : new MeterSample[] {
            new MeterSample("m-1", 1_700_000_000_000L, -2.5, 12345.678), new MeterSample("ünï-2", -1, 0.0, Double.NaN)
        }) {
            assertThat(roundTrip(s, MeterSample.class)).isEqualTo(s);
        }
    }

    @Test
    void cellSamplesAndChangesRoundTripEveryShape() throws IOException {
        Cell t1 = new Cell("T1", "residential");
        for (CellSample c : new CellSample[] {
            new CellSample(t1, 60_000, "F1", "R1", "m-1", 3.25, false),
            new CellSample(Cell.UNREGISTERED, 120_000, null, null, "m-2", -0.5, true)
        }) {
            assertThat(roundTrip(c, CellSample.class)).isEqualTo(c);
        }
        LoadSums sums = new LoadSums(1_000_000, 2_000_000, -3, Long.MAX_VALUE, 15, 1, 2);
        for (MemberChange c : new MemberChange[] {
            new MemberChange(new Cell("T1", "industrial"), "F1", "R1", 900_000, sums),
            new MemberChange(Cell.TRANSFORMER_AREA, null, null, 0, LoadSums.ZERO)
        }) {
            assertThat(roundTrip(c, MemberChange.class)).isEqualTo(c);
        }
        for (AggregateChange c : new AggregateChange[] {
            new AggregateChange(
                    new AggregateKey(Level.REGION, "R1", Interval.ONE_MINUTE), 0, sums.minus(sums.plus(sums))),
            new AggregateChange(new AggregateKey(Level.CLASS, "prosumer", Interval.FIFTEEN_MINUTES), 900_000, sums)
        }) {
            assertThat(roundTrip(c, AggregateChange.class)).isEqualTo(c);
        }
    }

    @Test
    void billingEventsRoundTripIntervalsAndReadingsWithAndWithoutTerms() throws IOException {
        BillingTerms factory =
                new BillingTerms("hb-ic-10kv-2part", "industrial", "1-10kV", "R01", null, 630, "contract", 500);
        BillingTerms household = new BillingTerms("zj-res-tier", "residential", "lv", null, "F1", 8, null, Double.NaN);
        BillingEvent[] events = {
            BillingEvent.interval("C1", "M1", 1_772_294_400_000L, 12.5, 6.25, factory),
            BillingEvent.interval("C2", "M2", 0, 0.125, Double.NaN, household),
            BillingEvent.reading("C1", "M1", 60_000, 410.5),
            BillingEvent.interval("C3", "M3", 900_000, 1, 0, null)
        };
        for (BillingEvent e : events) {
            assertThat(roundTrip(e, BillingEvent.wireType())).isEqualTo(e);
        }
    }

    @Test
    void sharedStringsAreTheSameInstanceForTheSameBytesAndEqualAfterAnyEviction() throws IOException {
        String longOne = "x".repeat(300);
        String[] written = new String[3 * WireType.SharedStrings.SLOTS];
        for (int i = 0; i < written.length; i++) {
            written[i] = i % 97 == 0 ? null : i % 89 == 0 ? longOne : "F" + i + (i % 5 == 0 ? "ü" : "");
        }
        DataOutputSerializer out = new DataOutputSerializer(64);
        for (int round = 0; round < 2; round++) {
            for (String s : written) {
                WireType.writeString(s, out);
            }
        }
        WireType.writeString("hb-ic-10kv-2part", out);
        WireType.writeString("hb-ic-10kv-2part", out);
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (int round = 0; round < 2; round++) {
            for (String s : written) {
                assertThat(WireType.readSharedString(in)).isEqualTo(s); // more strings than slots: evicted, still right
            }
        }
        String plan = WireType.readSharedString(in);
        assertThat(WireType.readSharedString(in)).isEqualTo("hb-ic-10kv-2part").isSameAs(plan);
        assertThat(in.available()).isZero();
    }

    @Test
    void theAsciiPathWritesTheSameBytesAsUtf8() throws IOException {
        for (String s : new String[] {"", "m-1", "x".repeat(256), "x".repeat(257), "\u007f", "a\u0080", "é-2", "户号"}) {
            DataOutputSerializer fast = new DataOutputSerializer(16);
            WireType.writeString(s, fast);
            byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            DataOutputSerializer expected = new DataOutputSerializer(16);
            expected.writeShort(utf8.length);
            expected.write(utf8);
            assertThat(fast.getCopyOfBuffer()).as(s).isEqualTo(expected.getCopyOfBuffer());
            assertThat(WireType.readString(new DataInputDeserializer(fast.getCopyOfBuffer())))
                    .isEqualTo(s);
        }
    }

    private static <T> T roundTrip(T value, Class<T> type) throws IOException {
        return roundTrip(value, TypeInformation.of(type));
    }

    private static <T> T roundTrip(T value, TypeInformation<T> type) throws IOException {
        TypeSerializer<T> serializer = type.createSerializer(new SerializerConfigImpl());
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

package io.kilowatch.flink.curves;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.records.Cell;
import java.time.ZoneId;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class MeterStateSerializerTest {
    private final MeterStateSerializer serializer = new MeterStateSerializer();

    @Test
    void everyKindOfIntervalSurvivesARoundTripAndACopy() throws Exception {
        MeterState s = new MeterState();
        IntervalAcc real = new IntervalAcc(1_800_000_000_000L - 1_800_000_000_000L % 900_000);
        for (int k = 0; k < 15; k++) {
            real.markSeen(k * 60_000);
            real.addKw(1.5 + k);
            real.addKvar(k % 2 == 0 ? 0.5 * k : -0.25 * k); // leading or lagging: the magnitude counts
            real.addRegister(real.start + k * 60_000L, 1000 + k * 0.1);
        }
        real.registerEvent = IntervalAcc.ROLLOVER;
        real.emitted = true;
        real.cell = new Cell("T1", "industrial");
        real.emKwh = 3.25;
        real.rememberEmittedFromValues();
        IntervalAcc estimate = IntervalAcc.estimated(real.start + 900_000, 4.5);
        estimate.emitted = true;
        estimate.cell = Cell.UNREGISTERED;
        estimate.emKwh = 1.125;
        estimate.rememberEmittedFromValues();
        IntervalAcc open = new IntervalAcc(real.start + 1_800_000);
        open.markSeen(7);
        open.addKw(2.0);
        s.put(open);
        s.put(real);
        s.put(estimate);
        s.lastRealStart = real.start;
        s.lastRealKw = 8.5;
        s.lastRegTs = 123;
        s.lastRegRaw = 999_999.5;
        s.registerOffset = 1_000_000;
        KpiCalendar kpi = KpiCalendar.sampleDefault();
        s.day = DayAcc.holding(real.start, ZoneId.of("Asia/Shanghai"), kpi);
        s.day.fold(real.start, 8.5, 2.125, false, ZoneId.of("Asia/Shanghai"), kpi);
        s.defer(open.start, 2.25);
        s.defer(open.start + 60_000, -0.5);

        byte[] bytes = write(s);
        MeterState back = serializer.deserialize(new DataInputDeserializer(bytes));
        assertThat(write(back)).isEqualTo(bytes);
        assertThat(write(serializer.copy(s))).isEqualTo(bytes);

        assertThat(back.all())
                .extracting(a -> a.start)
                .containsExactly(real.start, real.start + 900_000, real.start + 1_800_000);
        IntervalAcc r = back.get(real.start);
        assertThat(r)
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(real);
        assertThat(back.get(estimate.start))
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(estimate);
        assertThat(back.get(open.start))
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(open);
        assertThat(back.day)
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(s.day);
        assertThat(back.registerOffset).isEqualTo(1_000_000);
        assertThat(back.deferred).isEqualTo(2);
        assertThat(java.util.Arrays.copyOf(back.deferredStart, 2)).containsExactly(open.start, open.start + 60_000);
        assertThat(java.util.Arrays.copyOf(back.deferredKw, 2)).containsExactly(2.25, -0.5);
        // An interval of fifteen readings a minute apart, with registers, emitted: compact; reactive
        // power costs a count and a sum more.
        MeterState single = new MeterState();
        single.put(real);
        int withKvar = write(single).length - write(new MeterState()).length;
        real.kvarCount = 0;
        real.sumAbsKvar = 0;
        int withoutKvar = write(single).length - write(new MeterState()).length;
        assertThat(withoutKvar).isLessThanOrEqualTo(100);
        assertThat(withKvar - withoutKvar).isEqualTo(9);
    }

    /**
     * A state image written by version 1 of the serializer (commit 34005a4, before cells were
     * typed and the 1-minute slot went): three quarters (one with registers, kvar and a
     * rollover, emitted to T1 × industrial; one estimated, emitted to the unregistered cell; one
     * open), a 1-minute slot holding an empty interval, the last real point and a day of KPIs.
     */
    private static final String VERSION_1_IMAGE =
            "AQEAAAGjGFxQAAgAAAADAAABoxhcUAAbAQNAHgAAAAAAAEAMAAAAAAAAP/gAAAAAAAADADw8AECPQAAAAAAAwKkHQI9EAAAAAAAD"
                    + "P/gAAAAAAAAADVQxfGluZHVzdHJpYWw/6AAAAAAAAAAAAaMYagugDQAAAEASAAAAAAAAAA4tfHVucmVnaXN0ZXJlZD/yAAAAAAAA"
                    + "AAABoxh3x0AAAAFAAAAAAAAAAEAAAAAAAAAAQAAAAAAAAAABB4AAAAAAAAAAf/gAAAAAAAAAAAGjGFxQAEAEAAAAAAAAAAABoxhe"
                    + "JMBAj0QAAAAAAEEuhIAAAAAAAQAAAaMU7WgAAAABoxoTxABABAAAAAAAAAAAAaMYXFAAQAQAAAAAAAAAAAGjGFxQAEAEAAAAAAAA"
                    + "P+gAAAAAAAABAAQAAAAAAAAAAD/oAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==";

    @Test
    void stateWrittenByVersionOneRestores() throws Exception {
        MeterState s = serializer.deserialize(
                new DataInputDeserializer(java.util.Base64.getDecoder().decode(VERSION_1_IMAGE)));
        long start = 1_800_000_000_000L - 1_800_000_000_000L % 900_000;
        assertThat(s.all()).extracting(a -> a.start).containsExactly(start, start + 900_000, start + 1_800_000);
        IntervalAcc real = s.get(start);
        assertThat(real.cell).isEqualTo(new Cell("T1", "industrial"));
        assertThat(real.count).isEqualTo(3);
        assertThat(real.sumKw).isEqualTo(1.5 + 2.5 + 3.5);
        assertThat(real.kvarh(1)).isEqualTo((0 + 0.5 + 1.0) / 3);
        assertThat(real.regFirst).isEqualTo(1000);
        assertThat(real.regLast).isEqualTo(1000.5);
        assertThat(real.registerEvent).isEqualTo(IntervalAcc.ROLLOVER);
        assertThat(real.emittedShare().kwh()).isEqualTo(750_000);
        assertThat(real.emittedShare().readings()).isEqualTo(3);
        IntervalAcc estimate = s.get(start + 900_000);
        assertThat(estimate.cell).isSameAs(Cell.UNREGISTERED);
        assertThat(estimate.estimatedKw).isEqualTo(4.5);
        assertThat(s.get(start + 1_800_000).emitted).isFalse();
        assertThat(s.lastRealStart).isEqualTo(start);
        assertThat(s.lastRealKw).isEqualTo(2.5);
        assertThat(s.registerOffset).isEqualTo(1_000_000);
        assertThat(s.day.kwh).isEqualTo(0.75);
        // Written again, it is version 2, and reads back the same.
        MeterState again = serializer.deserialize(new DataInputDeserializer(write(s)));
        assertThat(write(again)).isEqualTo(write(s));
    }

    private byte[] write(MeterState s) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(s, out);
        return out.getCopyOfBuffer();
    }
}

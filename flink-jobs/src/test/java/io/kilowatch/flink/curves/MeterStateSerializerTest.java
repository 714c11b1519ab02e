package io.kilowatch.flink.curves;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.records.Interval;
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
        real.cell = "T1|industrial";
        real.emKwh = 3.25;
        real.rememberEmittedFromValues();
        IntervalAcc estimate = IntervalAcc.estimated(real.start + 900_000, 4.5);
        estimate.emitted = true;
        estimate.cell = "-|unregistered";
        estimate.emKwh = 1.125;
        estimate.rememberEmittedFromValues();
        IntervalAcc open = new IntervalAcc(real.start + 1_800_000);
        open.markSeen(7);
        open.addKw(2.0);
        s.put(Interval.FIFTEEN_MINUTES, open);
        s.put(Interval.FIFTEEN_MINUTES, real);
        s.put(Interval.FIFTEEN_MINUTES, estimate);
        s.put(Interval.ONE_MINUTE, new IntervalAcc(real.start));
        s.lastRealStart[1] = real.start;
        s.lastRealKw[1] = 8.5;
        s.lastRegTs = 123;
        s.lastRegRaw = 999_999.5;
        s.registerOffset = 1_000_000;
        KpiCalendar kpi = KpiCalendar.sampleDefault();
        s.day = DayAcc.holding(real.start, ZoneId.of("Asia/Shanghai"), kpi);
        s.day.fold(real.start, 8.5, 2.125, false, ZoneId.of("Asia/Shanghai"), kpi);

        byte[] bytes = write(s);
        MeterState back = serializer.deserialize(new DataInputDeserializer(bytes));
        assertThat(write(back)).isEqualTo(bytes);
        assertThat(write(serializer.copy(s))).isEqualTo(bytes);

        assertThat(back.all(Interval.FIFTEEN_MINUTES))
                .extracting(a -> a.start)
                .containsExactly(real.start, real.start + 900_000, real.start + 1_800_000);
        IntervalAcc r = back.get(Interval.FIFTEEN_MINUTES, real.start);
        assertThat(r)
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(real);
        assertThat(back.get(Interval.FIFTEEN_MINUTES, estimate.start))
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(estimate);
        assertThat(back.get(Interval.FIFTEEN_MINUTES, open.start))
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(open);
        assertThat(back.day)
                .usingRecursiveComparison()
                .withComparatorForType(Double::compare, Double.class)
                .isEqualTo(s.day);
        assertThat(back.registerOffset).isEqualTo(1_000_000);
        // An interval of fifteen readings a minute apart, with registers, emitted: compact; reactive
        // power costs a count and a sum more.
        MeterState single = new MeterState();
        single.put(Interval.FIFTEEN_MINUTES, real);
        int withKvar = write(single).length - write(new MeterState()).length;
        real.kvarCount = 0;
        real.sumAbsKvar = 0;
        int withoutKvar = write(single).length - write(new MeterState()).length;
        assertThat(withoutKvar).isLessThanOrEqualTo(100);
        assertThat(withKvar - withoutKvar).isEqualTo(9);
    }

    private byte[] write(MeterState s) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(s, out);
        return out.getCopyOfBuffer();
    }
}

package io.kilowatch.flink.tariffs;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.records.BillingEvent;
import io.kilowatch.flink.records.BillingTerms;
import io.kilowatch.model.tariff.TariffCatalogue;
import io.kilowatch.model.tariff.TariffPlan;
import java.time.Instant;
import java.util.List;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class CustomerLedgerSerializerTest {
    private final CustomerLedgerSerializer serializer = CustomerLedgerSerializer.INSTANCE;

    @Test
    void aLedgerWithOpenIntervalsMonthsHintsAndWatchesSurvivesARoundTripAndACopy() throws Exception {
        TariffCatalogue sample = TariffCatalogue.sample();
        TariffPlan two = sample.plan("hb-ic-10kv-2part");
        TariffPlan one = sample.plan("hb-ic-10kv-tou");
        BillingTerms t =
                new BillingTerms("hb-ic-10kv-2part", "industrial", "1-10kV", "R01", null, 250, "contract", 100);
        CustomerLedger l = new CustomerLedger();
        long t0 = Instant.parse("2026-03-31T15:00:00Z").toEpochMilli();
        for (int q = 0; q < 8; q++) {
            l.interval(
                    BillingEvent.interval(
                            "C", "M" + q % 2, t0 + q * CustomerLedger.Q, 10 + q, q % 3 == 0 ? Double.NaN : 2.5, t),
                    List.of(two, one));
        }
        l.finalizeUpTo(t0 + 2 * CustomerLedger.Q, 0);
        l.watch(BillingEvent.reading("C", "M0", t0 + 9 * CustomerLedger.Q, 42));
        l.sentFen.put("shift_load/valley", 43465L);
        l.sentMonth = "2026-03";
        l.revenueMonth = "2026-03";
        l.billedFen = 12345;
        l.lastUpdateMs = 99;
        // a reading held for the intervals before its quarter
        l.heldReadings.add(BillingEvent.reading("C", "M1", t0 + 9 * CustomerLedger.Q + 30_000, 7));

        byte[] bytes = write(l);
        CustomerLedger back = serializer.deserialize(new DataInputDeserializer(bytes));
        assertThat(write(back)).isEqualTo(bytes);
        CustomerLedger copy = serializer.copy(l);
        assertThat(write(copy)).isEqualTo(bytes);
        // deep: changing the copy leaves the original as it was
        copy.interval(BillingEvent.interval("C", "M0", t0 + 3 * CustomerLedger.Q, 99, 1, t), List.of(two, one));
        copy.watch(BillingEvent.reading("C", "M0", t0 + 9 * CustomerLedger.Q + 60_000, 50));
        copy.sentFen.put("switch_plan/x", 1L);
        copy.profiles.get(0).kwh[0] += 5;
        copy.profiles.get(0).quarters[0] += 1;
        copy.months.get(0).versions[0] += 1;
        copy.months.get(0).kvarh[0] += 1;
        copy.heldReadings.add(BillingEvent.reading("C", "M1", t0, 1));
        assertThat(write(l)).isEqualTo(bytes);
        assertThat(back.months)
                .hasSize(4); // two plans × March and April (Shanghai time: 23:00 + 8 quarters crosses midnight)
        assertThat(back.open).hasSize(l.open.size());
        assertThat(back.terms).isEqualTo(t);
        assertThat(back.sentFen).containsEntry("shift_load/valley", 43465L);
        assertThat(back.watches.get(0).sumKw).isEqualTo(42);
        assertThat(back.updateDue).isTrue();
        assertThat(back.lastUpdateMs).isEqualTo(99);
        assertThat(back.dayCloseTimer).isEqualTo(l.dayCloseTimer);
        // two plans × two months (~100 bytes each), two day profiles
        // (~240 bytes each), eight open intervals of two meters
        assertThat(bytes.length).as("a customer with two meters and two plans").isLessThan(1600);
    }

    @Test
    void aVersionOneLedgerIsReadWithItsUpdateDueAndItsWaitingEventsUnknown() throws Exception {
        BillingTerms t = new BillingTerms("zj-res-tier", "residential", "lv", "R01", null, 8, null, Double.NaN);
        CustomerLedger l = new CustomerLedger();
        long t0 = Instant.parse("2026-03-10T02:00:00Z").toEpochMilli();
        l.interval(
                BillingEvent.interval("C", "M", t0, 1.5, Double.NaN, t),
                List.of(TariffCatalogue.sample().plan("zj-res-tier")));
        l.lastUpdateMs = 7;
        byte[] v2 = write(l, 2);
        // Version 1 is version 2 without the update-due flag, day-close timer and waiting count
        // (13 bytes after lastUpdateMs), before the held readings (an int) and one day profile.
        int tail = 4 + 1 + (2 + 1 + 24 * (8 + 2));
        byte[] v1 = new byte[v2.length - 13];
        System.arraycopy(v2, 0, v1, 0, v2.length - tail - 13);
        System.arraycopy(v2, v2.length - tail, v1, v2.length - tail - 13, tail);
        v1[0] = 1;

        CustomerLedger back = serializer.deserialize(new DataInputDeserializer(v1));
        assertThat(back.lastUpdateMs).isEqualTo(7);
        assertThat(back.updateDue).isTrue();
        assertThat(back.dayCloseTimer).isEqualTo(Long.MIN_VALUE);
        assertThat(back.waiting).isEqualTo(CustomerLedger.WAITING_UNKNOWN);
        assertThat(back.isEmpty()).isFalse();
        assertThat(back.months.get(0).totalKwh()).isEqualTo(l.months.get(0).totalKwh());
        assertThat(back.profiles.get(0).kwh).isEqualTo(l.profiles.get(0).kwh);
    }

    @Test
    void whatEachMonthsBillLastCarriedIsKeptAndAVersionTwoLedgerReadsAsUnknown() throws Exception {
        BillingTerms t = new BillingTerms("zj-res-tier", "residential", "lv", "R01", null, 8, null, Double.NaN);
        CustomerLedger l = new CustomerLedger();
        l.interval(
                BillingEvent.interval(
                        "C", "M", Instant.parse("2026-03-10T02:00:00Z").toEpochMilli(), 1.5, Double.NaN, t),
                List.of(TariffCatalogue.sample().plan("zj-res-tier")));
        l.months.get(0).written = ShadowBills.constants(true, true, null);

        assertThat(serializer
                        .deserialize(new DataInputDeserializer(write(l)))
                        .months
                        .get(0)
                        .written)
                .isEqualTo(ShadowBills.constants(true, true, null));
        assertThat(serializer.copy(l).months.get(0).written).isEqualTo(ShadowBills.constants(true, true, null));
        CustomerLedger v2 = serializer.deserialize(new DataInputDeserializer(write(l, 2)));
        assertThat(v2.months.get(0).written)
                .as("its next bill writes every field")
                .isEqualTo(PlanMonth.UNKNOWN);
        assertThat(v2.months.get(0).totalKwh()).isEqualTo(l.months.get(0).totalKwh());
        assertThat(write(l, 2).length).isEqualTo(write(l).length - 4);
    }

    private byte[] write(CustomerLedger l) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(512);
        serializer.serialize(l, out);
        return out.getCopyOfBuffer();
    }

    private byte[] write(CustomerLedger l, int version) throws Exception {
        DataOutputSerializer out = new DataOutputSerializer(512);
        serializer.write(l, out, version);
        return out.getCopyOfBuffer();
    }
}

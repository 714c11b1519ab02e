package io.kilowatch.flink.tariffs;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.billing.Bill;
import io.kilowatch.billing.BillEngine;
import io.kilowatch.billing.UsageBuilder;
import io.kilowatch.billing.advice.Advisor;
import io.kilowatch.flink.records.BillPoint;
import io.kilowatch.flink.records.BillingEvent;
import io.kilowatch.flink.records.BillingTerms;
import io.kilowatch.flink.records.RevenueDelta;
import io.kilowatch.flink.records.TariffUpdate;
import io.kilowatch.model.Hint;
import io.kilowatch.model.tariff.TariffCatalogue;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class ShadowBillsTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final long Q = 900_000;
    private static final Duration LATENESS = Duration.ofHours(2);
    private static final TariffCatalogue SAMPLE = TariffCatalogue.sample();
    private static final BillingTerms FACTORY =
            new BillingTerms("hb-ic-10kv-2part", "industrial", "1-10kV", "R01", "F01", 630, "demand", Double.NaN);
    private static final BillingTerms HOME =
            new BillingTerms("zj-res-tier-tou", "residential", "lv", "R01", "F03", 10, null, Double.NaN);
    private static final BillingTerms SHOP =
            new BillingTerms("hb-ic-lv-tou", "commercial", "lv", "R01", "F02", 50, null, Double.NaN);

    private static TariffParams params() {
        return params(Duration.ZERO);
    }

    private static TariffParams params(Duration updateEvery) {
        return new TariffParams(
                LATENESS,
                new TariffRules(
                        updateEvery,
                        Advisor.Thresholds.defaults(),
                        Map.of("commercial", new BigDecimal("0.10"), "industrial", new BigDecimal("0.15")),
                        new BigDecimal("0.2"),
                        5,
                        Duration.ofDays(7)));
    }

    private static KeyedBroadcastOperatorTestHarness<String, BillingEvent, TariffUpdate, BillPoint> harness()
            throws Exception {
        var h = bare();
        loadCatalogue(h);
        return h;
    }

    private static KeyedBroadcastOperatorTestHarness<String, BillingEvent, TariffUpdate, BillPoint> bare()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ShadowBills(params()), BillingEvent::customerId, Types.STRING, ShadowBills.TARIFFS);
    }

    private static void loadCatalogue(
            KeyedBroadcastOperatorTestHarness<String, BillingEvent, TariffUpdate, BillPoint> h) throws Exception {
        for (Map.Entry<String, byte[]> e : SAMPLE.wireValues().entrySet()) {
            h.processBroadcastElement(
                    new TariffUpdate(e.getKey(), new String(e.getValue(), StandardCharsets.UTF_8)), 0);
        }
        h.processBroadcastWatermark(Long.MAX_VALUE);
    }

    private static long at(String local) {
        return LocalDateTime.parse(local).atZone(SHANGHAI).toInstant().toEpochMilli();
    }

    private static void interval(
            KeyedBroadcastOperatorTestHarness<String, BillingEvent, TariffUpdate, BillPoint> h,
            String customer,
            String meter,
            long start,
            double kwh,
            double kvarh,
            BillingTerms t)
            throws Exception {
        h.processElement(new StreamRecord<>(BillingEvent.interval(customer, meter, start, kwh, kvarh, t), start));
    }

    private static List<Hint> demandWarnings(
            KeyedBroadcastOperatorTestHarness<String, BillingEvent, TariffUpdate, BillPoint> h) {
        return h.getSideOutput(ShadowBills.HINTS).stream()
                .map(StreamRecord::getValue)
                .filter(x -> x.kind().equals("demand_warning"))
                .toList();
    }

    private static BillPoint last(List<BillPoint> bills, String plan) {
        BillPoint found = null;
        for (BillPoint b : bills) {
            if (b.planId().equals(plan)) {
                found = b;
            }
        }
        return found;
    }

    @Test
    void theBillOfTwoMetersIsTheEnginesBillOfTheirSumAndACorrectionReplacesItsInterval() throws Exception {
        try (var h = harness()) {
            TariffPlan plan = SAMPLE.plan("hb-ic-10kv-2part");
            UsageBuilder expected = new UsageBuilder(plan, YearMonth.of(2026, 3));
            long t0 = at("2026-03-01T00:00");
            for (int q = 0; q < 2 * 96; q++) {
                long start = t0 + q * Q;
                double a = 20 + (q % 96) * 0.5; // meter A ramps through each day
                double b = q % 96 == 40 ? 60 : 10; // meter B has one big quarter a day (10:00)
                interval(h, "C1", "A", start, a, a * 0.5, FACTORY);
                interval(h, "C1", "B", start, b, b * 0.5, FACTORY);
                expected.add(
                        java.time.Instant.ofEpochMilli(start),
                        BigDecimal.valueOf(a + b),
                        BigDecimal.valueOf((a + b) * 0.5));
            }
            // a correction of one interval of meter A within the lateness: 1 kWh more
            long corrected = t0 + 100 * Q;
            interval(h, "C1", "A", corrected, 20 + 4 * 0.5 + 1, (20 + 4 * 0.5) * 0.5, FACTORY);
            expected.add(java.time.Instant.ofEpochMilli(corrected), BigDecimal.ONE, BigDecimal.ZERO);
            h.processWatermark(at("2026-03-03T00:00") - 1);

            Bill bill = BillEngine.price(
                    plan, FACTORY.customerTerms(), expected.build(BigDecimal.ZERO, BigDecimal.valueOf(2)));
            BillPoint p = last(h.extractOutputValues(), "hb-ic-10kv-2part");
            assertThat(p.current()).isTrue();
            assertThat(p.month()).isEqualTo("2026-03");
            assertThat(p.total()).isEqualTo(bill.total().toPlainString());
            assertThat(p.kwh()).isEqualTo(bill.kwh().doubleValue());
            // demand: the day's 10:00 quarter of the first day, 42 + 60 = 102 kWh → 408 kW
            assertThat(p.maxDemandKw()).isEqualTo(4 * (20 + 40 * 0.5 + 60));
            assertThat(p.basic()).isEqualTo(bill.basicAmount().toPlainString());
            assertThat(p.powerFactorAdjustment())
                    .as("an industrial 630 kVA customer is adjusted by the 0.90 standard")
                    .isEqualTo(bill.amountOf(io.kilowatch.billing.BillLine.Charge.POWER_FACTOR)
                            .toPlainString());
            assertThat(p.fin()).isFalse();
            assertThat(h.extractOutputValues())
                    .extracting(BillPoint::planId)
                    .as("630 kVA at 10 kV: only the two-part plan is open to it")
                    .containsOnly("hb-ic-10kv-2part");
        }
    }

    @Test
    void intervalsThatOvertakeTheCatalogueWaitForItAndCountInFull() throws Exception {
        try (var h = bare()) {
            long t0 = at("2026-03-01T00:00");
            for (int q = 0; q < 8; q++) {
                interval(h, "C1", "A", t0 + q * Q, 10, 5, FACTORY); // before any plan is known
            }
            loadCatalogue(h);
            interval(h, "C1", "A", t0 + 8 * Q, 10, 5, FACTORY);
            h.processWatermark(t0 + 9 * Q);
            BillPoint p = last(h.extractOutputValues(), "hb-ic-10kv-2part");
            assertThat(p.kwh()).as("all nine intervals").isEqualTo(90.0);
            assertThat(p.partial()).isFalse();
        }
    }

    @Test
    void readingsThatRunAheadOfTheIntervalsWaitForThemSoTheMaximumIsTheMonthsAsItWas() throws Exception {
        try (var h = harness()) {
            long t0 = at("2026-03-01T00:00");
            for (int q = 0; q < 96; q++) {
                interval(h, "C1", "A", t0 + q * Q, 25, 0, FACTORY); // day 1: 100 kW all along
            }
            // A catch-up: day 2 10:00's readings at 130 kW arrive before
            // day 2's intervals (which run at 150 kW from 09:00).
            long window = at("2026-03-02T10:00");
            for (int m = 0; m <= 6; m++) {
                h.processElement(
                        new StreamRecord<>(BillingEvent.reading("C1", "A", window + m * 60_000L, 130), window));
            }
            assertThat(h.getSideOutput(ShadowBills.HINTS))
                    .as("held: the intervals before the quarter are not in")
                    .isNull();
            for (int q = 96; q < 96 + 40; q++) {
                interval(h, "C1", "A", t0 + q * Q, q >= 96 + 36 ? 37.5 : 25, 0, FACTORY);
            }
            // judged now, against the maximum as it was before 10:00: 150 kW (09:00–10:00), so 130 kW is no new maximum
            assertThat(h.getSideOutput(ShadowBills.HINTS)).isNull();
        }
    }

    @Test
    void aQuarterUpdateIsWrittenOnlyWhenAnIntervalCameSinceTheLast() throws Exception {
        try (var h = harness()) {
            long start = at("2026-03-10T10:00");
            // the two quarters' close and, two hours on, their lateness timers:
            // one update per quarter, none for the lateness timers
            interval(h, "C1", "A", start, 10, 5, FACTORY);
            h.processWatermark(start + Q - 1);
            interval(h, "C1", "A", start + Q, 12, 6, FACTORY);
            h.processWatermark(start + 2 * Q - 1);
            h.processWatermark(start + Q - 1 + LATENESS.toMillis());
            assertThat(h.extractOutputValues()).extracting(BillPoint::kwh).containsExactly(10.0, 22.0);
            // a correction within the lateness is news: the next quarter timer writes it
            interval(h, "C1", "A", start + 9 * Q, 1, 0.5, FACTORY);
            interval(h, "C1", "A", start + Q, 13, 6, FACTORY);
            h.processWatermark(start + 10 * Q - 1);
            assertThat(h.extractOutputValues()).extracting(BillPoint::kwh).containsExactly(10.0, 22.0, 24.0);
        }
    }

    @Test
    void inACatchUpIntervalsWithinUpdateEveryRegisterNoQuarterTimerAndTheNextDueOneWritesThemAll() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new ShadowBills(params(Duration.ofSeconds(30))),
                BillingEvent::customerId,
                Types.STRING,
                ShadowBills.TARIFFS);
        try (h) {
            loadCatalogue(h);
            long start = at("2026-03-10T10:00");
            h.setProcessingTime(1_000);
            interval(h, "H1", "M", start, 5, 0, HOME);
            int closes = h.numEventTimeTimers(); // the day's and the month's close
            assertThat(closes)
                    .as("a customer's first bill waits updateEvery too: no quarter timer")
                    .isEqualTo(2);
            // a replay: nine more quarters within the same 30 s of processing time
            h.setProcessingTime(2_000);
            for (int q = 1; q < 10; q++) {
                interval(h, "H1", "M", start + q * Q, 1, 0, HOME);
            }
            assertThat(h.numEventTimeTimers())
                    .as("no quarter timer while no update is due")
                    .isEqualTo(closes);
            h.processWatermark(start + 10 * Q - 1);
            assertThat(h.extractOutputValues()).as("nothing written yet").isEmpty();
            // 30 s after the first interval, the next interval is due: its quarter's close
            // writes everything since the first
            h.setProcessingTime(31_000);
            interval(h, "H1", "M", start + 10 * Q, 2, 0, HOME);
            assertThat(h.numEventTimeTimers()).isEqualTo(closes + 1);
            h.processWatermark(start + 11 * Q - 1);
            assertThat(h.extractOutputValues()).extracting(BillPoint::kwh).containsExactly(16.0);
            // and the next waits 30 s from that write
            h.setProcessingTime(60_000);
            interval(h, "H1", "M", start + 11 * Q, 3, 0, HOME);
            assertThat(h.numEventTimeTimers()).isEqualTo(closes);
            h.setProcessingTime(61_000);
            interval(h, "H1", "M", start + 12 * Q, 4, 0, HOME);
            h.processWatermark(start + 13 * Q - 1);
            assertThat(h.extractOutputValues()).extracting(BillPoint::kwh).containsExactly(16.0, 23.0);
        }
    }

    @Test
    void theEndOfABoundedInputWritesEachPlansBillOnceAsItFinallyStands() throws Exception {
        try (var h = harness()) {
            // A replay of two days and a morning that ends: every timer fires at the end at once,
            // the quarter updates, two day closes and the month's close, all over the same points.
            long t0 = at("2026-03-01T00:00");
            UsageBuilder expected = new UsageBuilder(SAMPLE.plan("zj-res-tier-tou"), YearMonth.of(2026, 3));
            for (int q = 0; q < 2 * 96 + 40; q++) {
                double kwh = 5 + (q % 96) * 0.1;
                interval(h, "H1", "M", t0 + q * Q, kwh, 0, HOME);
                expected.add(java.time.Instant.ofEpochMilli(t0 + q * Q), BigDecimal.valueOf(kwh), BigDecimal.ZERO);
            }
            h.processWatermark(Long.MAX_VALUE);
            List<BillPoint> bills = h.extractOutputValues();
            assertThat(bills)
                    .extracting(b -> b.planId() + " " + b.month())
                    .as("one point per plan and month, none written only to be overwritten")
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrder("zj-res-tier-tou 2026-03", "zj-res-tier 2026-03");
            BillPoint current = last(bills, "zj-res-tier-tou");
            Bill bill = BillEngine.price(
                    SAMPLE.plan("zj-res-tier-tou"),
                    HOME.customerTerms(),
                    expected.build(BigDecimal.ZERO, PlanMonth.days((2 * 96 + 40) * Q)));
            assertThat(current.total()).isEqualTo(bill.total().toPlainString());
            assertThat(current.asOf()).isEqualTo(t0 + (2 * 96 + 40) * Q);
            assertThat(current.fin()).as("the month has not ended").isFalse();
            assertThat(bills)
                    .allSatisfy(b -> assertThat(new Object[] {b.basic(), b.powerFactorAdjustment()})
                            .as(
                                    "a household's plans have no basic charge and no power-factor adjustment: no such fields")
                            .containsOnlyNulls());
        }
    }

    @Test
    void theMonthsCloseWritesFinalBillsAndEveryStateAndTimerGoesBackToZero() throws Exception {
        try (var h = harness()) {
            long start = at("2026-03-31T23:00");
            for (int q = 0; q < 4; q++) {
                interval(h, "C1", "A", start + q * Q, 10, 5, FACTORY);
            }
            h.processWatermark(at("2026-04-01T00:00") + LATENESS.toMillis());
            BillPoint fin = last(h.extractOutputValues(), "hb-ic-10kv-2part");
            assertThat(fin.fin()).isTrue();
            assertThat(fin.month()).isEqualTo("2026-03");
            assertThat(fin.partial())
                    .as("tracked from the 31st 23:00, after the month's start")
                    .isTrue();
            assertThat(((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries())
                    .isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    /**
     * A month's later bill points leave out what its first said (current, illustrative, basis) as
     * long as it still holds; a plan change and the final point say it again, and the plan the
     * customer left says current=false over its earlier true.
     */
    @Test
    void laterBillPointsOfAMonthRepeatNothingTheFirstSaidUntilThePlanChangesOrTheMonthCloses() throws Exception {
        BillingTerms flat = new BillingTerms("zj-res-tier", "residential", "lv", "R01", "F03", 10, null, Double.NaN);
        try (var h = harness()) {
            long t0 = at("2026-03-30T00:00");
            long change = at("2026-03-31T12:00");
            long end = at("2026-04-01T00:00");
            for (long t = t0; t < end; t += Q) {
                interval(h, "H1", "M1", t, 1, Double.NaN, t < change ? flat : HOME);
                h.processWatermark(t + Q - 1);
            }
            h.processWatermark(end + LATENESS.toMillis());
            List<BillPoint> march = h.extractOutputValues().stream()
                    .filter(b -> b.month().equals("2026-03"))
                    .toList();
            Map<String, BillPoint> previous = new java.util.HashMap<>();
            int repeats = 0;
            for (BillPoint b : march) {
                BillPoint before = previous.put(b.planId(), b);
                boolean same = before != null
                        && before.current() == b.current()
                        && before.illustrative() == b.illustrative()
                        && java.util.Objects.equals(before.basis(), b.basis())
                        && !b.fin();
                assertThat(b.repeat())
                        .as(
                                "%s at %d: a repeat exactly when its plan's point before said the same",
                                b.planId(), b.asOf())
                        .isEqualTo(same);
                assertThat(b.wasCurrent())
                        .as("%s at %d: current=false is due only over a point that said true", b.planId(), b.asOf())
                        .isEqualTo(before != null && before.current());
                repeats += b.repeat() ? 1 : 0;
            }
            assertThat(repeats).as("the quarter updates of the flat plan").isGreaterThan(100);
            // the change: each plan's first point after it says who is current, in full
            assertThat(march.stream().filter(b -> b.planId().equals("zj-res-tier-tou") && b.current()))
                    .first()
                    .satisfies(b -> assertThat(b.repeat()).isFalse());
            assertThat(march.stream().filter(b -> b.planId().equals("zj-res-tier") && !b.current()))
                    .first()
                    .satisfies(b -> assertThat(b.repeat()).isFalse())
                    .satisfies(b -> assertThat(b.wasCurrent()).isTrue());
            assertThat(march.stream().filter(BillPoint::fin))
                    .extracting(BillPoint::planId)
                    .containsExactlyInAnyOrder("zj-res-tier", "zj-res-tier-tou");
        }
    }

    @Test
    void aPeakHeavyShopGetsAShiftHintAtItsDayCloseOnceAndTheRevenueRollsUp() throws Exception {
        try (var h = harness()) {
            long t0 = at("2026-03-02T00:00");
            for (int d = 0; d < 2; d++) {
                for (int q = 0; q < 96; q++) {
                    int hour = q / 4;
                    boolean expensive = (hour >= 16 && hour < 24); // Hubei: peak 16–18, 20–24, critical 18–20
                    interval(h, "S1", "M1", t0 + (d * 96L + q) * Q, expensive ? 8 : 1, Double.NaN, SHOP);
                }
                h.processWatermark(t0 + (d + 1) * 86_400_000L - 1);
            }
            List<Hint> hints = h.getSideOutput(ShadowBills.HINTS).stream()
                    .map(StreamRecord::getValue)
                    .toList();
            assertThat(hints).extracting(Hint::kind).containsExactly("shift_load");
            Hint shift = hints.get(0);
            assertThat(shift.hintId()).isEqualTo("S1/shift_load/valley/2026-03-02");
            assertThat(shift.target()).isEqualTo("valley");
            assertThat(shift.saving()).isPositive();
            assertThat(shift.message())
                    .contains("critical and peak hours")
                    .contains("valley hours (00:00–06:00, 12:00–14:00)");
            List<RevenueDelta> revenue = h.getSideOutput(ShadowBills.REVENUE).stream()
                    .map(StreamRecord::getValue)
                    .toList();
            long billed = revenue.stream()
                    .filter(r -> r.level().equals("class"))
                    .mapToLong(RevenueDelta::billedFen)
                    .sum();
            BillPoint bill = last(h.extractOutputValues(), "hb-ic-lv-tou");
            assertThat(billed)
                    .isEqualTo(new BigDecimal(bill.total()).movePointRight(2).longValueExact());
            assertThat(revenue.stream()
                            .filter(r -> r.level().equals("feeder"))
                            .mapToLong(RevenueDelta::customers)
                            .sum())
                    .isEqualTo(1);
            assertThat(revenue.stream()
                            .filter(r -> r.level().equals("class"))
                            .mapToLong(RevenueDelta::savingFen)
                            .sum())
                    .isEqualTo(shift.saving().movePointRight(2).longValueExact());
        }
    }

    @Test
    void aDayTheDataBeganDuringGivesItsOwnPlansBillButNoHintsAndTheFirstWholeDayGivesEveryPlanAndHints()
            throws Exception {
        try (var h = harness()) {
            // A household on the flat tiered plan, first seen at 23:00: its first day's data is one
            // hour of Zhejiang's valley (22–08), where the time-of-use plan is 0.288 against 0.538
            // 元/kWh, so that hour alone would "save" 46 % by switching. A steady 4 kW the next
            // whole day: 14 h at 0.568 and 10 h at 0.288 against 24 h at 0.538 is still cheaper by
            // 16 %, and the switch hint comes at that day's close.
            BillingTerms flat =
                    new BillingTerms("zj-res-tier", "residential", "lv", "R01", "F03", 10, null, Double.NaN);
            long first = at("2026-03-01T23:00");
            long end = at("2026-03-03T00:00");
            for (long t = first; t < end; t += Q) {
                interval(h, "H1", "M1", t, 1, Double.NaN, flat);
            }
            h.processWatermark(at("2026-03-02T00:00") + LATENESS.toMillis());
            assertThat(h.getSideOutput(ShadowBills.HINTS))
                    .as("the 1st's close: an hour of data, no hints")
                    .isNull();
            assertThat(h.extractOutputValues())
                    .as("but its own plan's bill; the others are compared from the first whole day")
                    .extracting(BillPoint::planId)
                    .containsOnly("zj-res-tier")
                    .isNotEmpty();
            int before = h.extractOutputValues().size();
            h.processWatermark(end + LATENESS.toMillis());
            assertThat(h.extractOutputValues()
                            .subList(before, h.extractOutputValues().size()))
                    .as("the 2nd's close: every plan's bill")
                    .extracting(BillPoint::planId)
                    .contains("zj-res-tier", "zj-res-tier-tou");
            assertThat(h.getSideOutput(ShadowBills.HINTS).stream().map(StreamRecord::getValue))
                    .extracting(Hint::hintId)
                    .containsExactly("H1/switch_plan/zj-res-tier-tou/2026-03-02");
        }
    }

    @Test
    void theLastDayOfAMonthGetsItsHintsThoughItClosesWithTheMonth() throws Exception {
        try (var h = harness()) {
            long t0 = at("2026-03-31T00:00");
            for (int q = 0; q < 96; q++) {
                interval(h, "S1", "M1", t0 + q * Q, q / 4 >= 16 ? 8 : 1, Double.NaN, SHOP);
            }
            h.processWatermark(at("2026-04-01T00:00") + LATENESS.toMillis()); // the day's close and the month's at once
            List<Hint> hints = h.getSideOutput(ShadowBills.HINTS).stream()
                    .map(StreamRecord::getValue)
                    .toList();
            assertThat(hints).extracting(Hint::hintId).containsExactly("S1/shift_load/valley/2026-03-31");
            assertThat(last(h.extractOutputValues(), "hb-ic-lv-tou").fin()).isTrue();
        }
    }

    @Test
    void aQuarterOnCourseForANewMonthlyMaximumIsWarnedAboutBeforeItEnds() throws Exception {
        try (var h = harness()) {
            long t0 = at("2026-03-01T00:00");
            for (int q = 0; q < 2 * 96; q++) {
                interval(h, "C1", "A", t0 + q * Q, 25, 0, FACTORY); // 100 kW all along: the month's maximum
            }
            long window = at("2026-03-03T10:00");
            h.processWatermark(window - 1); // the meter was quiet since midnight; event time has reached 10:00
            for (int m = 0; m <= 6; m++) {
                long ts = window + m * 60_000L;
                h.processElement(new StreamRecord<>(BillingEvent.reading("C1", "A", ts, 130), ts));
            }
            List<Hint> warnings = demandWarnings(h);
            // at 10:05 (5 minutes of readings) the quarter heads for 130 kW:
            // (130 − 100) × 42 = 1,260.00 more this month; said once
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).saving()).isEqualByComparingTo("1260.00");
            assertThat(warnings.get(0).hintId()).isEqualTo("C1/demand_warning/demand/" + window);
            assertThat(warnings.get(0).ts())
                    .as("made at 10:05, before the quarter ends")
                    .isEqualTo(window + 5 * 60_000L);
        }
    }

    /**
     * Readings carry no terms: a customer's first events being readings (they overtook every
     * interval, e.g. at a job's start) are held until its intervals bring the plan, then judged.
     */
    @Test
    void readingsBeforeAnyIntervalOfTheirCustomerAreJudgedOnceItsIntervalsBringItsTerms() throws Exception {
        try (var h = harness()) {
            long t0 = at("2026-03-01T00:00");
            long window = at("2026-03-03T10:00");
            for (int m = 0; m <= 6; m++) {
                long ts = window + m * 60_000L;
                h.processElement(new StreamRecord<>(BillingEvent.reading("C1", "A", ts, 130), ts));
            }
            assertThat(h.getSideOutput(ShadowBills.HINTS))
                    .as("no terms yet: held")
                    .isNull();
            for (long t = t0; t < window; t += Q) {
                interval(h, "C1", "A", t, 25, 0, FACTORY); // 100 kW until 10:00
            }
            List<Hint> warnings = demandWarnings(h);
            // as if in order: (130 − 100) × 42 = 1,260.00, made at 10:05's reading
            assertThat(warnings).hasSize(1);
            assertThat(warnings.get(0).saving()).isEqualByComparingTo("1260.00");
            assertThat(warnings.get(0).ts()).isEqualTo(window + 5 * 60_000L);
        }
    }

    @Test
    void aWarningNeedsTheMinimumRiseExactlyAndAQuartersReadingsSetOneTimer() throws Exception {
        try (var h = harness()) {
            long t0 = at("2026-03-01T00:00");
            for (String c : new String[] {"C1", "C2"}) {
                for (int q = 0; q < 2 * 96; q++) {
                    interval(h, c, "M-" + c, t0 + q * Q, 25, 0, FACTORY); // 100 kW: the month's maximum
                }
            }
            long window = at("2026-03-03T10:00");
            h.processWatermark(window - 1);
            int timers = h.numEventTimeTimers();
            // a 5 % rise is the least that warns (tariffs.hints.demand.min-rise): 104.9 kW does not, 105 kW does
            for (int m = 0; m <= 6; m++) {
                long ts = window + m * 60_000L;
                h.processElement(new StreamRecord<>(BillingEvent.reading("C1", "M-C1", ts, 104.9), ts));
                h.processElement(new StreamRecord<>(BillingEvent.reading("C2", "M-C2", ts, 105), ts));
            }
            assertThat(h.numEventTimeTimers())
                    .as("one quarter-end timer per customer, not one a reading")
                    .isEqualTo(timers + 2);
            List<Hint> warnings = demandWarnings(h);
            // (105 − 100) × 42 = 210.00
            assertThat(warnings).extracting(Hint::customerId).containsExactly("C2");
            assertThat(warnings.get(0).saving()).isEqualByComparingTo("210.00");
        }
    }
}

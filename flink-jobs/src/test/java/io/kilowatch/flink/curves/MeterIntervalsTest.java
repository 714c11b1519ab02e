package io.kilowatch.flink.curves;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.flink.records.Cell;
import io.kilowatch.flink.records.CellSample;
import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.LateReading;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.flink.records.LoadSums;
import io.kilowatch.flink.records.MemberChange;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The per-meter load-curve operator in Flink's harness: values, dedup, lateness, registers, gaps, KPIs and state. */
class MeterIntervalsTest {
    /** Midnight in Asia/Shanghai, the default KPI zone. */
    private static final long T0 = Instant.parse("2026-11-01T16:00:00Z").toEpochMilli();

    private static final long MIN = 60_000;
    private static final long Q = 900_000;
    private static final Duration TWO_HOURS = Duration.ofHours(2);

    private static MeterHarness harness(CurveRules rules) throws Exception {
        return new MeterHarness(Duration.ZERO, TWO_HOURS, rules);
    }

    @Test
    void bothIntervalsOfAMeterWithDuplicatesCountedOnce() throws Exception {
        try (MeterHarness h = harness(CurveRules.defaults().withMeterMinutes(Set.of(), Set.of("a")))) {
            for (int k = 0; k < 135; k++) {
                long ts = T0 + k * 20_000L;
                h.push("a", ts, 1.0 + (k % 7) * 0.5);
                if (k % 10 == 0) {
                    h.push("a", ts, 99.0); // a re-upload of the same (meter, ts): the first value stands
                }
            }
            h.watermark(T0 + 45 * MIN);

            assertThat(h.points("15m")).hasSize(3);
            // Minutes are built by the cells: the meter sends each counted reading, once.
            assertThat(h.points("1m")).isEmpty();
            List<CellSample> samples = h.samples();
            assertThat(samples).hasSize(135).allSatisfy(d -> {
                assertThat(d.minuteStart() % MIN).isZero();
                assertThat(d.meterCurve()).isTrue();
            });
            assertThat(samples.stream().mapToDouble(CellSample::kw).sum())
                    .isCloseTo(
                            java.util.stream.IntStream.range(0, 135)
                                    .mapToDouble(k -> 1.0 + (k % 7) * 0.5)
                                    .sum(),
                            within(1e-9));
            for (int i = 0; i < 3; i++) {
                LoadPoint p = h.latest("a", "15m", T0 + i * Q);
                double sum = 0;
                double max = Double.NEGATIVE_INFINITY;
                double min = Double.POSITIVE_INFINITY;
                for (int k = i * 45; k < (i + 1) * 45; k++) {
                    double kw = 1.0 + (k % 7) * 0.5;
                    sum += kw;
                    max = Math.max(max, kw);
                    min = Math.min(min, kw);
                }
                assertThat(p.readings()).isEqualTo(45);
                assertThat(p.kwAvg()).isCloseTo(sum / 45, within(1e-12));
                assertThat(p.kwMax()).isEqualTo(max);
                assertThat(p.kwMin()).isEqualTo(min);
                assertThat(p.kwh()).isCloseTo(sum / 45 * 0.25, within(1e-12));
                assertThat(p.energySource()).isEqualTo("power");
                assertThat(p.meters()).isEqualTo(1);
                assertThat(p.estimated()).isZero();
            }
            assertThat(h.samples().stream().map(CellSample::meterId).count()).isEqualTo(135);
        }
    }

    /**
     * A demand-billed meter's readings reach the tariff stage from the warning's minimum minutes
     * into each quarter on, each with the quarter's mean kW so far and no terms (the intervals
     * carry those); the intervals go as before. A household's readings do not go at all.
     */
    @Test
    void demandBilledReadingsGoFromTheWarningsMinuteWithTheQuartersMeanSoFar() throws Exception {
        try (MeterHarness h =
                new MeterHarness(Duration.ZERO, TWO_HOURS, CurveRules.defaults(), Duration.ofMinutes(5))) {
            h.registerDemandBilled("ind", "C-ind");
            h.register("home", "C-home", "residential", "T1", "F1", "R1");
            for (int k = 0; k < 30; k++) {
                h.push("ind", T0 + k * MIN, 100 + k); // 100, 101, ... kW
                h.push("home", T0 + k * MIN, 2.0);
            }
            h.watermark(T0 + 30 * MIN);

            List<io.kilowatch.flink.records.BillingEvent> readings =
                    h.billing().stream().filter(e -> !e.interval()).toList();
            // minutes 5..14 of each quarter: 10 a quarter, the household's none
            assertThat(readings).hasSize(20).allSatisfy(e -> {
                assertThat(e.customerId()).isEqualTo("C-ind");
                assertThat(e.terms()).isNull();
                assertThat((e.time() - T0) % Q).isGreaterThanOrEqualTo(5 * MIN);
            });
            // at 00:07 the quarter's readings were 100..107 kW: mean 103.5
            assertThat(readings.get(2).time()).isEqualTo(T0 + 7 * MIN);
            assertThat(readings.get(2).kw()).isCloseTo(103.5, within(1e-12));
            // at 00:20, the second quarter's 115..120 kW: mean 117.5
            assertThat(readings.get(10).time()).isEqualTo(T0 + 20 * MIN);
            assertThat(readings.get(10).kw()).isCloseTo(117.5, within(1e-12));

            List<io.kilowatch.flink.records.BillingEvent> intervals = h.billing().stream()
                    .filter(io.kilowatch.flink.records.BillingEvent::interval)
                    .toList();
            assertThat(intervals)
                    .extracting(io.kilowatch.flink.records.BillingEvent::customerId)
                    .containsOnly("C-ind", "C-home");
            assertThat(intervals).allSatisfy(e -> assertThat(e.terms()).isNotNull());
            assertThat(intervals.stream().filter(e -> e.customerId().equals("C-ind")))
                    .extracting(io.kilowatch.flink.records.BillingEvent::time)
                    .containsExactly(T0, T0 + Q);
        }
    }

    @Test
    void energyComesFromTheRegisterInterpolatedAtTheBoundaries() throws Exception {
        double[] reg = new double[46];
        double[] kw = new double[46];
        reg[0] = 1000;
        for (int k = 0; k < 46; k++) {
            kw[k] = 2 + (k % 3);
            if (k > 0) {
                reg[k] = reg[k - 1] + kw[k - 1] / 60;
            }
        }
        try (MeterHarness h = harness(CurveRules.defaults())) {
            for (int k = 0; k < 45; k++) {
                h.push("a", T0 + 30_000 + k * MIN, kw[k], reg[k]);
            }
            h.watermark(T0 + 45 * MIN);
            // No sample before the first boundary: energy from power, said so.
            assertThat(h.latest("a", "15m", T0).energySource()).isEqualTo("power");
            LoadPoint second = h.latest("a", "15m", T0 + Q);
            assertThat(second.energySource()).isEqualTo("register");
            assertThat(second.kwh()).isCloseTo((reg[29] + reg[30]) / 2 - (reg[14] + reg[15]) / 2, within(1e-9));
            // The third closed before a sample after its end existed; the next one corrects it.
            assertThat(h.latest("a", "15m", T0 + 2 * Q).energySource()).isEqualTo("power");
            h.push("a", T0 + 30_000 + 45 * MIN, kw[45], reg[45]);
            LoadPoint third = h.latest("a", "15m", T0 + 2 * Q);
            assertThat(third.energySource()).isEqualTo("register");
            assertThat(third.kwh()).isCloseTo((reg[44] + reg[45]) / 2 - (reg[29] + reg[30]) / 2, within(1e-9));
            // The aggregates got the correction as a difference: their sum is the final value.
            long deltaSum = h.changes().stream()
                    .filter(d -> d.windowStart() == T0 + 2 * Q)
                    .mapToLong(d -> d.sums().kwh())
                    .sum();
            assertThat(deltaSum).isEqualTo(LoadSums.micro(third.kwh()));
        }
    }

    @Test
    void registerRolloverIsUnwrappedResetAndBackwardsFallBackToPowerAndAreFlagged() throws Exception {
        try (MeterHarness h = harness(CurveRules.defaults())) {
            for (int k = 0; k <= 45; k++) {
                long ts = T0 + k * MIN;
                h.push("roll", ts, 6.0, (999_998.0 + 0.1 * k) % 1_000_000);
                h.push("swap", ts, 6.0, k < 20 ? 50_000 + 0.1 * k : 0.1 * (k - 20));
                h.push("tamper", ts, 6.0, k < 20 ? 5_000 + 0.1 * k : 4_990 + 0.1 * (k - 20));
            }
            h.watermark(T0 + 45 * MIN);

            LoadPoint roll = h.latest("roll", "15m", T0 + Q);
            assertThat(roll.energySource()).isEqualTo("register");
            assertThat(roll.registerEvent()).isEqualTo("rollover");
            assertThat(roll.kwh()).isCloseTo(1.5, within(1e-6));

            LoadPoint swap = h.latest("swap", "15m", T0 + Q);
            assertThat(swap.registerEvent()).isEqualTo("reset");
            assertThat(swap.energySource()).isEqualTo("power");
            assertThat(swap.kwh()).isCloseTo(1.5, within(1e-12));
            assertThat(h.latest("swap", "15m", T0 + 2 * Q).energySource()).isEqualTo("register");
            assertThat(h.latest("swap", "15m", T0 + 2 * Q).kwh()).isCloseTo(1.5, within(1e-6));

            LoadPoint tamper = h.latest("tamper", "15m", T0 + Q);
            assertThat(tamper.registerEvent()).isEqualTo("backwards");
            assertThat(tamper.energySource()).isEqualTo("power");
            for (String meter : List.of("roll", "swap", "tamper")) {
                for (int i = 0; i < 3; i++) {
                    // Never a spike (or a hole) of energy: 6 kW for a quarter of an hour is 1.5 kWh.
                    assertThat(h.latest(meter, "15m", T0 + i * Q).kwh())
                            .as(meter + " interval " + i)
                            .isCloseTo(1.5, within(1e-6));
                }
            }
        }
    }

    @Test
    void aLateReadingWithinTheLatenessUpdatesItsIntervalLaterOnesGoToTheLateOutput() throws Exception {
        try (MeterHarness h = harness(CurveRules.defaults())) {
            long batchInterval = T0 + 5 * Q; // 01:15 .. 01:30
            for (long ts = T0; ts < T0 + 3 * 60 * MIN; ts += MIN) {
                boolean inBatch =
                        ts >= batchInterval && ts < batchInterval + Q && ((ts - batchInterval) / MIN) % 2 == 1;
                if (!inBatch) {
                    h.push("a", ts, 1.0);
                }
            }
            h.watermark(T0 + 3 * 60 * MIN);
            assertThat(h.latest("a", "15m", batchInterval).readings()).isEqualTo(8);

            // 90 minutes after the interval closed: inside the two hours of lateness.
            for (long ts = batchInterval + MIN; ts < batchInterval + Q; ts += 2 * MIN) {
                h.push("a", ts, 3.0);
            }
            LoadPoint corrected = h.latest("a", "15m", batchInterval);
            assertThat(corrected.readings()).isEqualTo(15);
            assertThat(corrected.kwAvg()).isCloseTo((8 * 1.0 + 7 * 3.0) / 15, within(1e-12));
            List<LoadSums> changes = h.changes().stream()
                    .filter(d -> d.windowStart() == batchInterval)
                    .map(MemberChange::sums)
                    .toList();
            assertThat(changes.stream().mapToLong(LoadSums::kwAvg).sum()).isEqualTo(LoadSums.micro(corrected.kwAvg()));
            assertThat(changes.stream().mapToLong(LoadSums::readings).sum()).isEqualTo(15);
            assertThat(changes.stream().mapToLong(LoadSums::meters).sum()).isEqualTo(1);

            // 2 h 50 min after its interval closed: too late for both intervals.
            h.push("a", T0 + 10 * MIN + 30_000, 50.0);
            assertThat(h.latest("a", "15m", T0).kwAvg()).isEqualTo(1.0);
            List<LateReading> late = h.late();
            assertThat(late)
                    .filteredOn(l -> l.reading().ts() == T0 + 10 * MIN + 30_000)
                    .extracting(LateReading::interval)
                    .containsExactlyInAnyOrder("1m", "15m");
            // The batch was too late for its 1-minute intervals (no lateness there by default).
            assertThat(late)
                    .filteredOn(l -> l.reading().ts() != T0 + 10 * MIN + 30_000)
                    .extracting(LateReading::interval)
                    .containsOnly("1m")
                    .hasSize(7);
        }
    }

    @Test
    void shortGapsAreFilledAndMarkedEstimatedLongOnesStayEmpty() throws Exception {
        try (MeterHarness h = harness(CurveRules.defaults())) {
            pushQuarter(h, 0, 2.0);
            pushQuarter(h, 3, 8.0);
            h.watermark(T0 + 4 * Q);

            assertThat(h.latest("a", "15m", T0 + Q)).satisfies(p -> {
                assertThat(p.kwAvg()).isCloseTo(4.0, within(1e-12));
                assertThat(p.kwh()).isCloseTo(1.0, within(1e-12));
                assertThat(p.estimated()).isEqualTo(1);
                assertThat(p.readings()).isZero();
                assertThat(p.meters()).isZero();
                assertThat(p.energySource()).isEqualTo("estimated");
            });
            assertThat(h.latest("a", "15m", T0 + 2 * Q).kwAvg()).isCloseTo(6.0, within(1e-12));

            // A reading that turns up for an estimated interval replaces the estimate.
            h.push("a", T0 + Q + 30_000, 5.0);
            LoadPoint real = h.latest("a", "15m", T0 + Q);
            assertThat(real.estimated()).isZero();
            assertThat(real.kwAvg()).isEqualTo(5.0);
            List<LoadSums> changes = h.changes().stream()
                    .filter(d -> d.windowStart() == T0 + Q)
                    .map(MemberChange::sums)
                    .toList();
            assertThat(changes.stream().mapToLong(LoadSums::estimated).sum()).isZero();
            assertThat(changes.stream().mapToLong(LoadSums::meters).sum()).isEqualTo(1);
            assertThat(changes.stream().mapToLong(LoadSums::kwAvg).sum()).isEqualTo(5_000_000);

            // Six empty intervals are more than the four filled by default: they stay empty.
            pushQuarter(h, 10, 8.0);
            h.watermark(T0 + 11 * Q);
            for (int i = 4; i < 10; i++) {
                assertThat(h.latest("a", "15m", T0 + i * Q))
                        .as("interval " + i + " of a six-interval gap")
                        .isNull();
            }
            assertThat(h.points("15m").stream().map(LoadPoint::windowStart).distinct())
                    .hasSize(5);
        }
    }

    /**
     * A fault can close an interval before its last readings come: the estimates drawn to it then
     * must be redrawn when they do, and end as an in-order run of the same readings draws them
     * (ChaosIT: a gap estimate 0.0135 kWh off after the TaskManager kill).
     */
    @Test
    void estimatesFollowTheirRealNeighboursWhenLateReadingsChangeThem() throws Exception {
        List<LoadPoint> inOrder;
        try (MeterHarness h = harness(CurveRules.defaults())) {
            pushMinutes(h, 0, 0, 15, 2.0);
            pushMinutes(h, 3, 0, 5, 8.0);
            pushMinutes(h, 3, 5, 15, 2.0);
            pushMinutes(h, 4, 0, 15, 3.0);
            pushMinutes(h, 6, 0, 10, 1.0);
            pushMinutes(h, 6, 10, 15, 7.0);
            h.watermark(T0 + 7 * Q);
            inOrder = finalQuarters(h, 7);
        }
        try (MeterHarness h = harness(CurveRules.defaults())) {
            pushMinutes(h, 0, 0, 15, 2.0);
            pushMinutes(h, 3, 0, 5, 8.0);
            pushMinutes(h, 4, 0, 15, 3.0);
            pushMinutes(h, 6, 0, 10, 1.0);
            h.watermark(T0 + 7 * Q); // closes quarter 3 and 6 with a third and two thirds of their readings
            assertThat(h.latest("a", "15m", T0 + Q).kwAvg()).isCloseTo(4.0, within(1e-12)); // drawn to 8.0
            pushMinutes(h, 3, 5, 15, 2.0); // late, within the lateness: quarter 3 is 4.0 now
            pushMinutes(h, 6, 10, 15, 7.0); // and quarter 6 is 3.0
            assertThat(h.latest("a", "15m", T0 + Q).kwAvg()).isCloseTo(2.0 + 2.0 / 3, within(1e-12));
            assertThat(finalQuarters(h, 7)).isEqualTo(inOrder);
        }
    }

    private static void pushMinutes(MeterHarness h, int quarter, int from, int to, double kw) throws Exception {
        for (int m = from; m < to; m++) {
            h.push("a", T0 + quarter * Q + m * MIN, kw);
        }
    }

    /** The latest 15-minute point of each of the first {@code n} quarters of meter "a" (null where none). */
    private static List<LoadPoint> finalQuarters(MeterHarness h, int n) {
        List<LoadPoint> out = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(h.latest("a", "15m", T0 + i * Q));
        }
        return out;
    }

    private static void pushQuarter(MeterHarness h, int quarter, double kw) throws Exception {
        for (int m = 0; m < 15; m++) {
            h.push("a", T0 + quarter * Q + m * MIN, kw);
        }
    }

    /**
     * The registry is a broadcast input: on a cold start a meter's first readings may be
     * processed before its entry is read. Their minutes must still count in the meter's cell
     * (found by FlinkClusterIT, where the cluster's first minutes went to "unregistered").
     */
    @Test
    void aReadingProcessedBeforeItsRegistryEntryCountsInTheRegisteredCellOfItsMinute() throws Exception {
        try (MeterHarness h = harness(CurveRules.defaults())) {
            h.push("early", T0 + 10_000, 2.0);
            h.push("early", T0 + 70_000, 3.0);
            assertThat(h.samples()).as("held until the minute closes").isEmpty();
            h.register("early", "c9", "commercial", "T7", "F7", "R7");
            h.watermark(T0 + MIN - 1);
            assertThat(h.samples()).singleElement().satisfies(x -> {
                assertThat(x.cell()).isEqualTo(new Cell("T7", "commercial"));
                assertThat(x.minuteStart()).isEqualTo(T0);
                assertThat(x.kw()).isEqualTo(2.0);
                assertThat(x.feederId()).isEqualTo("F7");
            });
            // Now registered: the next reading goes at once.
            h.push("early", T0 + 130_000, 4.0);
            h.watermark(T0 + 2 * MIN - 1);
            assertThat(h.samples()).extracting(CellSample::kw).containsExactlyInAnyOrder(2.0, 3.0, 4.0);
            assertThat(h.samples()).extracting(CellSample::cell).containsOnly(new Cell("T7", "commercial"));
            // A meter the registry never names counts as unregistered when its minute closes.
            h.push("stranger", T0 + 190_000, 1.0);
            h.watermark(T0 + 4 * MIN);
            assertThat(h.samples())
                    .filteredOn(x -> x.meterId().equals("stranger"))
                    .singleElement()
                    .satisfies(x -> assertThat(x.cell()).isEqualTo(Cell.UNREGISTERED));
        }
    }

    @Test
    void membershipComesFromTheRegistryAndOnlyConfiguredMetersGetMinuteCurves() throws Exception {
        try (MeterHarness h = harness(CurveRules.defaults())) {
            h.register("ind", "c1", "industrial", "T1", "F1", "R1");
            h.register("res", "c2", "residential", "T1", "F1", "R1");
            for (String m : List.of("ind", "res", "stranger")) {
                h.push(m, T0, 1.0);
                h.push(m, T0 + MIN, 1.0);
            }
            h.watermark(T0 + Q);

            assertThat(h.samples())
                    .filteredOn(CellSample::meterCurve)
                    .extracting(CellSample::meterId)
                    .containsOnly("ind")
                    .hasSize(2);
            assertThat(h.points("15m")).extracting(LoadPoint::id).containsExactlyInAnyOrder("ind", "res", "stranger");
            Cell industrial = new Cell("T1", "industrial");
            assertThat(h.samples().stream().map(CellSample::cell).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder(industrial, new Cell("T1", "residential"), Cell.UNREGISTERED);
            assertThat(h.changes().stream().map(MemberChange::cell).collect(Collectors.toSet()))
                    .containsExactlyInAnyOrder(industrial, new Cell("T1", "residential"), Cell.UNREGISTERED);
            assertThat(h.samples()).filteredOn(d -> d.cell().equals(industrial)).allSatisfy(d -> {
                assertThat(d.feederId()).isEqualTo("F1");
                assertThat(d.region()).isEqualTo("R1");
            });
            assertThat(h.changes()).filteredOn(d -> d.cell().equals(industrial)).allSatisfy(d -> {
                assertThat(d.feederId()).isEqualTo("F1");
                assertThat(d.region()).isEqualTo("R1");
            });
            assertThat(h.samples())
                    .filteredOn(d -> d.cell().equals(Cell.UNREGISTERED))
                    .allSatisfy(d -> assertThat(d.feederId()).isNull());
        }
    }

    @Test
    void stateReturnsToZeroOnceAMetersIntervalsAreFinalAndItsDayReported() throws Exception {
        try (MeterHarness h = harness(CurveRules.defaults())) {
            for (long ts = T0; ts < T0 + 60 * MIN; ts += 20_000) {
                h.push("a", ts, 2.0, 100 + (ts - T0) / 3_600_000.0 * 2);
            }
            assertThat(h.keyedStateEntries()).isPositive();
            h.watermark(T0 + Duration.ofDays(1).plus(TWO_HOURS).toMillis() + Q);

            assertThat(h.kpis()).hasSize(1);
            assertThat(h.keyedStateEntries()).isZero();
            assertThat(h.timers()).isZero();
        }
    }

    @Test
    void dailyKpisFollowTheLocalDayAcrossADaylightSavingChange() throws Exception {
        ZoneId london = ZoneId.of("Europe/London");
        long dayStart =
                Instant.parse("2026-03-29T00:00:00Z").toEpochMilli(); // midnight GMT; clocks go forward at 01:00
        long dayEnd = Instant.parse("2026-03-29T23:00:00Z").toEpochMilli(); // midnight BST: a 23-hour day
        CurveRules rules = new CurveRules(
                4,
                1_000_000,
                10,
                london,
                new KpiCalendar(io.kilowatch.model.tariff.TariffCatalogue.parseYaml(
                                """
                catalogue: test
                plans:
                  - id: day-night
                    zone: Europe/London
                    versions:
                      - effectiveFrom: 2026-01-01
                        periods: [day, night]
                        calendar:
                          days: {d: {day: "07:00-19:00", night: "19:00-07:00"}}
                          seasons: [{months: [1-12], weekday: d}]
                        energy: {prices: {day: 0.3, night: 0.1}}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .plan("day-night")),
                Set.of(),
                Set.of());
        try (MeterHarness h = harness(rules)) {
            int n = (int) ((dayEnd - dayStart) / Q);
            for (int i = 0; i <= n; i++) {
                double kw = i == 40 ? 20 : i == 10 ? 1 : 5;
                h.push("a", dayStart + i * Q, kw);
            }
            h.watermark(dayEnd + TWO_HOURS.toMillis() + Q);

            assertThat(h.kpis()).hasSize(1);
            DailyKpi k = h.kpis().get(0);
            assertThat(n).isEqualTo(92);
            assertThat(k.dayStart()).isEqualTo(dayStart);
            assertThat(k.dayEnd()).isEqualTo(dayEnd);
            assertThat(k.intervals()).isEqualTo(92);
            assertThat(k.peakKw()).isEqualTo(20.0);
            assertThat(k.peakTs()).isEqualTo(dayStart + 40 * Q);
            assertThat(k.valleyKw()).isEqualTo(1.0);
            assertThat(k.valleyTs()).isEqualTo(dayStart + 10 * Q);
            double avg = (90 * 5 + 20 + 1) / 92.0;
            assertThat(k.avgKw()).isCloseTo(avg, within(1e-12));
            assertThat(k.loadFactor()).isCloseTo(avg / 20, within(1e-12));
            assertThat(k.peakValleyRatio()).isCloseTo(19.0 / 20, within(1e-12));
            assertThat(k.kwh()).isCloseTo((90 * 5 + 20 + 1) * 0.25, within(1e-9));
            // 07:00-19:00 BST is 06:00-18:00 UTC: quarters 24..71 of the day, the peak among them.
            assertThat(k.periods()).containsExactly("day", "night");
            assertThat(k.kwhByPeriod()[0]).isCloseTo((47 * 5 + 20) * 0.25, within(1e-9));
            assertThat(k.kwhByPeriod()[1]).isCloseTo(k.kwh() - k.kwhByPeriod()[0], within(1e-9));
        }
    }
}

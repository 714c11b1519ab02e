package io.kilowatch.flink.curves;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.flink.influx.LineProtocol;
import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.InsightPoint;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.model.RegistryEntry;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** {@link Insights}: growth window on window, the consumption band, and which members it is kept for. */
class InsightsTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final LocalDate D0 = LocalDate.of(2026, 11, 2);

    private static DailyKpi day(String level, String id, int d, double kwh, double peakKw) {
        long start = D0.plusDays(d).atStartOfDay(SHANGHAI).toInstant().toEpochMilli();
        return new DailyKpi(
                level,
                id,
                start,
                start + 86_400_000L,
                peakKw,
                start,
                0.1,
                start,
                kwh / 24,
                kwh / 24 / peakKw,
                0.9,
                kwh,
                96,
                0,
                new String[0],
                new double[0]);
    }

    private static KeyedBroadcastOperatorTestHarness<String, DailyKpi, RegistryUpdate, InsightPoint> harness()
            throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new Insights(new InsightRules(4, InsightRules.defaults().bands())),
                Insights::key,
                Types.STRING,
                MeterIntervals.REGISTRY);
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        h.processBroadcastElement(new StreamRecord<>(new RegistryUpdate(
                "m1",
                new RegistryEntry("m1", "C1", "residential", "T1", "F1", "north", "zj-res-tier", 8, 630, 230, 1))));
        h.processBroadcastElement(new StreamRecord<>(new RegistryUpdate(
                "TM",
                new RegistryEntry(
                        "TM", "grid", RegistryEntry.TRANSFORMER_METER, "T1", "F1", "north", "grid", 0, 630, 230, 3))));
        return h;
    }

    @Test
    void growthIsTheLastWindowAgainstTheOneBeforeAndTheBandIsTheWindowPerThirtyDays() throws Exception {
        try (var h = harness()) {
            for (int d = 0; d < 8; d++) {
                h.processElement(new StreamRecord<>(day("meter", "m1", d, d < 4 ? 5 : 6, d < 4 ? 2 : 2.5)));
            }
            List<InsightPoint> out = h.extractOutputValues();
            assertThat(out).hasSize(8);
            assertThat(out.subList(0, 7))
                    .as("growth needs both windows whole")
                    .allSatisfy(p -> assertThat(p.growth()).isNaN());
            InsightPoint last = out.get(7);
            assertThat(last.kwh()).isEqualTo(24.0);
            assertThat(last.kwhBefore()).isEqualTo(20.0);
            assertThat(last.growth()).isCloseTo(0.2, within(1e-12));
            assertThat(last.peakGrowth()).isCloseTo(0.25, within(1e-12));
            assertThat(last.monthKwh()).as("24 kWh in 4 days, per 30 days").isCloseTo(180.0, within(1e-9));
            assertThat(last.segment())
                    .as("below the first annual tier per month (2,760 kWh / 12)")
                    .isEqualTo("0-230");
            assertThat(last)
                    .extracting(InsightPoint::customer, InsightPoint::customerClass)
                    .containsExactly("C1", "residential");
            assertThat(LineProtocol.insight(last))
                    .startsWith("insight,class=residential,customer=C1,id=m1,level=meter,segment=0-230 "
                            + "kwh=24.0,kwh_before=20.0,growth=0.")
                    .contains(",window_days=4i,days=4i ");
            // A recomputed day (late data) is put in again: the same day's point, with the new energy.
            h.processElement(new StreamRecord<>(day("meter", "m1", 7, 10, 2.5)));
            assertThat(h.extractOutputValues().get(8).kwh()).isEqualTo(28.0);
        }
    }

    @Test
    void thisMonthIsComparedWithTheSameMonthAYearBeforeWhenThatWasSeenOnEnoughDays() throws Exception {
        try (var h = harness()) {
            // 2025-11-02 .. 2025-11-26 (25 days) at 5 kWh, then 2026-11-02 .. 03 at 6 kWh.
            for (int d = -365; d < -340; d++) {
                h.processElement(new StreamRecord<>(day("meter", "m1", d, 5, 2)));
            }
            h.processElement(new StreamRecord<>(day("meter", "m1", 0, 6, 2)));
            h.processElement(new StreamRecord<>(day("meter", "m1", 1, 6, 2)));
            List<InsightPoint> out = h.extractOutputValues();
            assertThat(out.get(24).growthOnYear())
                    .as("nothing a year before that")
                    .isNaN();
            assertThat(out.get(26).growthOnYear()).isCloseTo(0.2, within(1e-12));
            assertThat(LineProtocol.insight(out.get(26))).contains(",growth_on_year=0.1999");
            // The same day recomputed replaces its energy, it does not add a day.
            h.processElement(new StreamRecord<>(day("meter", "m1", 1, 4, 2)));
            assertThat(h.extractOutputValues().get(27).growthOnYear()).isCloseTo(0.0, within(1e-12));
        }
    }

    @Test
    void feedersGetGrowthWithoutABandAndAreaMetersAndUnknownMetersNothing() throws Exception {
        try (var h = harness()) {
            h.processElement(new StreamRecord<>(day("feeder", "F1", 0, 5000, 400)));
            h.processElement(new StreamRecord<>(day("meter", "TM", 0, 900, 60)));
            h.processElement(new StreamRecord<>(day("meter", "stranger", 0, 9, 1)));
            assertThat(h.extractOutputValues()).singleElement().satisfies(p -> {
                assertThat(p.level()).isEqualTo("feeder");
                assertThat(p.segment()).isNull();
                assertThat(p.monthKwh()).isCloseTo(150_000, within(1e-6));
            });
        }
    }

    @Test
    void bandsAreTheClasssBoundsAndTheTopOneIsOpen() {
        InsightRules r = new InsightRules(28, Map.of("commercial", new double[] {1000, 5000}));
        assertThat(r.segment("commercial", 999.9)).isEqualTo("0-1000");
        assertThat(r.segment("commercial", 1000)).isEqualTo("1000-5000");
        assertThat(r.segment("commercial", 7000)).isEqualTo("5000+");
        assertThat(r.segment("residential", 50)).isNull();
    }
}

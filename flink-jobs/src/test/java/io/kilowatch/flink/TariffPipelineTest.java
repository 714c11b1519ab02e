package io.kilowatch.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.billing.BillEngine;
import io.kilowatch.billing.UsageBuilder;
import io.kilowatch.billing.advice.Advisor;
import io.kilowatch.flink.curves.CurveRules;
import io.kilowatch.flink.curves.LoadCurveStage;
import io.kilowatch.flink.records.BillPoint;
import io.kilowatch.flink.records.EventTimeRange;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.flink.records.TariffUpdate;
import io.kilowatch.flink.tariffs.TariffParams;
import io.kilowatch.flink.tariffs.TariffRules;
import io.kilowatch.flink.tariffs.TariffStage;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.flink.wiring.EventTime;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.model.Reading;
import io.kilowatch.model.RegistryEntry;
import io.kilowatch.model.tariff.CustomerTerms;
import io.kilowatch.model.tariff.TariffCatalogue;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The tariff stage in the production pipeline (curves → billing events → shadow bills) on a
 * MiniCluster at parallelism 2: a whole month of three customers, live and as a backfill of that
 * month, gives the same final bills, and each is the bill engine's bill of the month's intervals.
 */
class TariffPipelineTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final TariffCatalogue SAMPLE = TariffCatalogue.sample();
    private static final YearMonth MARCH = YearMonth.of(2026, 3);
    private static final long Q = 900_000;
    private static final List<RegistryEntry> REGISTRY = List.of(
            new RegistryEntry("H1", "CH1", "residential", "T1", "F1", "R01", "zj-res-tier-tou", 8, 400, 230, 1)
                    .withBilling("lv", null, null),
            new RegistryEntry("S1", "CS1", "commercial", "T1", "F1", "R01", "hb-ic-lv-tou", 50, 400, 230, 3)
                    .withBilling("lv", null, null),
            new RegistryEntry("F1", "CF1", "industrial", "T1", "F1", "R01", "hb-ic-10kv-2part", 400, 400, 230, 3)
                    .withBilling("1-10kV", "demand", null));

    /** One reading a quarter-hour, kW constant over it and the register advancing by exactly kW × 0.25 h. */
    private static double kw(String meter, long ts) {
        int q = (int) (Math.floorMod(ts, 86_400_000L) / Q);
        int day = (int) (ts / 86_400_000L);
        return switch (meter) {
            case "H1" -> 0.3 + (q % 96 >= 70 && q % 96 < 90 ? 2.0 : 0.4) + (day % 3) * 0.1;
            case "S1" -> 5 + (q >= 4 && q < 44 ? 20 : 0);
            default -> 80 + (q >= 0 && q < 40 ? 150 : 0) + (day % 7) * 3;
        };
    }

    private static List<Reading> month() {
        List<Reading> out = new ArrayList<>();
        long from = MARCH.atDay(1).atStartOfDay(SHANGHAI).toInstant().toEpochMilli();
        long to = MARCH.plusMonths(1)
                .atDay(1)
                .atStartOfDay(SHANGHAI)
                .toInstant()
                .plus(Duration.ofHours(1))
                .toEpochMilli();
        Map<String, Double> register = new HashMap<>(Map.of("H1", 100.0, "S1", 5000.0, "F1", 90000.0));
        for (long ts = from; ts < to; ts += Q) {
            for (String m : List.of("H1", "S1", "F1")) {
                double k = kw(m, ts);
                double reg = register.get(m);
                out.add(new Reading(m, ts, k, Math.round(reg * 1e6) / 1e6, null, 0.4 * k, null, null, null));
                register.put(m, reg + k * 0.25);
            }
        }
        return out;
    }

    private static List<BillPoint> run(EventTimeRange backfill) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.baseConfiguration());
        env.setParallelism(2);
        ArrayList<Reading> data = new ArrayList<>(month());
        ArrayList<RegistryUpdate> registry = new ArrayList<>(
                REGISTRY.stream().map(e -> new RegistryUpdate(e.meterId(), e)).toList());
        ArrayList<TariffUpdate> tariffs = new ArrayList<>();
        SAMPLE.wireValues()
                .forEach((id, json) -> tariffs.add(new TariffUpdate(id, new String(json, StandardCharsets.UTF_8))));
        LoadCurveStage curves = new LoadCurveStage(
                new LoadCurveStage.Params(Duration.ZERO, Duration.ofHours(2), CurveRules.defaults()),
                new DiscardingSink<>(),
                new DiscardingSink<>());
        TariffStage stage = new TariffStage(
                new TariffParams(
                        Duration.ofHours(2),
                        new TariffRules(
                                Duration.ZERO,
                                Advisor.Thresholds.defaults(),
                                Map.of(),
                                new BigDecimal("0.2"),
                                5,
                                Duration.ofDays(7))),
                new DiscardingSink<>(),
                new DiscardingSink<>());
        if (backfill != null) {
            curves = curves.restrictedTo(backfill);
            stage = stage.restrictedTo(backfill);
        }
        LoadCurveJob job = new LoadCurveJob(
                        new DataGeneratorSource<>(
                                i -> data.get(i.intValue()), data.size(), TypeInformation.of(Reading.class)),
                        new DataGeneratorSource<>(
                                i -> registry.get(i.intValue()),
                                registry.size(),
                                TypeInformation.of(RegistryUpdate.class)),
                        new EventTime(Duration.ofMinutes(2), Duration.ofSeconds(10), Duration.ZERO, backfill != null),
                        curves) // as a backfill keeps it
                .withTariffs(
                        stage,
                        new DataGeneratorSource<>(
                                i -> tariffs.get(i.intValue()),
                                tariffs.size(),
                                TypeInformation.of(TariffUpdate.class)));
        List<BillPoint> bills = new ArrayList<>();
        try (CloseableIterator<BillPoint> it =
                job.buildAll(env).tariffs().bills().collectAsync()) {
            env.execute("tariff pipeline test");
            it.forEachRemaining(bills::add);
        }
        return bills;
    }

    /** The final bill of each (customer, plan) for March. */
    private static Map<String, BillPoint> finals(List<BillPoint> bills) {
        Map<String, BillPoint> out = new HashMap<>();
        for (BillPoint b : bills) {
            if (b.month().equals("2026-03") && b.fin()) {
                out.put(b.customerId() + "/" + b.planId(), b);
            }
        }
        return out;
    }

    @Test
    void aWholeMonthLiveAndAsABackfillGivesTheSameFinalBillsAndTheyAreTheEnginesBills() throws Exception {
        Map<String, BillPoint> live = finals(run(null));
        EventTimeRange march = new EventTimeRange(
                MARCH.atDay(1).atStartOfDay(SHANGHAI).toInstant(),
                MARCH.plusMonths(1).atDay(1).atStartOfDay(SHANGHAI).toInstant());
        Map<String, BillPoint> backfill = finals(run(march));

        assertThat(live.keySet())
                .contains("CH1/zj-res-tier-tou", "CH1/zj-res-tier", "CS1/hb-ic-lv-tou", "CF1/hb-ic-10kv-2part");
        assertThat(backfill.keySet()).isEqualTo(live.keySet());
        for (Map.Entry<String, BillPoint> e : live.entrySet()) {
            assertThat(backfill.get(e.getKey()).total())
                    .as(e.getKey())
                    .isEqualTo(e.getValue().total());
            assertThat(e.getValue().partial()).isFalse();
        }
        // Each customer's bill on its own plan, from the month's 15-minute energies straight into the engine.
        for (RegistryEntry r : REGISTRY) {
            TariffPlan plan = SAMPLE.plan(r.tariffPlanId());
            UsageBuilder u = new UsageBuilder(plan, MARCH);
            long from = MARCH.atDay(1).atStartOfDay(SHANGHAI).toInstant().toEpochMilli();
            long to = MARCH.plusMonths(1)
                    .atDay(1)
                    .atStartOfDay(SHANGHAI)
                    .toInstant()
                    .toEpochMilli();
            for (long ts = from; ts < to; ts += Q) {
                double k = kw(r.meterId(), ts);
                u.add(
                        Instant.ofEpochMilli(ts),
                        BigDecimal.valueOf(Math.round(k * 0.25 * 1e6), 6),
                        BigDecimal.valueOf(Math.round(0.4 * k * 0.25 * 1e6), 6));
            }
            String expected = BillEngine.price(plan, CustomerTerms.of(r), u.build(BigDecimal.ZERO, null))
                    .total()
                    .toPlainString();
            BillPoint b = live.get(r.customerId() + "/" + r.tariffPlanId());
            assertThat(b.total()).as("bill of %s", r.customerId()).isEqualTo(expected);
            assertThat(b.current()).isTrue();
            assertThat(b.projected()).as("a whole month projects to itself").isEqualTo(b.total());
        }
    }
}

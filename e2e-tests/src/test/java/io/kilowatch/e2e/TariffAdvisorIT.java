package io.kilowatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.ingest.IngestConfig;
import io.kilowatch.ingest.IngestService;
import io.kilowatch.ingest.RegistryLoader;
import io.kilowatch.ingest.TariffLoader;
import io.kilowatch.model.Hint;
import io.kilowatch.model.HintCodec;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.RegistryCsv;
import io.kilowatch.model.RegistryEntry;
import io.kilowatch.model.Topics;
import io.kilowatch.model.tariff.TariffCatalogue;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import io.kilowatch.sim.SimulatorMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #11's scored run: a 100-customer fleet on the sample catalogue's plans, with two
 * peak-heavy customers and a factory whose load jumps, through the simulator, Mosquitto, the
 * bridge and Kafka, the production load-curve job with its tariff stage over it, and back to a
 * customer over MQTT. The hints' money is checked against an independent calculation from what
 * was published; bills, revenue and {@code score} against each other.
 */
class TariffAdvisorIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final long Q = 900_000;
    // Indices of the seeded fleet (seed 42, 50 customers a transformer):
    // their class and plan are fixed (Topology.Profile#billing).
    private static final int HOUSEHOLD_TOU = 1; // residential, zj-res-tier-tou
    private static final int SHOP = 2; // commercial, hb-ic-lv-tou
    private static final int FACTORY_DEMAND = 26; // industrial 400 kVA, hb-ic-10kv-2part on maximum demand

    @Test
    void peakHeavyCustomersAreToldWhatShiftingSavesTheCheapestPlanGetsNoSwitchAndANewMaximumIsWarnedOf(
            @TempDir Path dir) throws Exception {
        String p = TestStack.uniquePrefix("tariffs");
        String m = p + "-M";
        TestKafka kafka = new TestKafka(STACK);
        String registryTopic = kafka.createTopic("test." + p + ".registry", 1, true);
        String tariffsTopic = kafka.createTopic("test." + p + ".tariffs", 1, true);
        String hintsTopic = kafka.createTopic("test." + p + ".hints", 2, false);
        String db = "tariffs_" + p.replace('-', '_');
        InfluxQuery influx = InfluxQuery.scratch(STACK.influxUrl(), db);
        try {

            // A Tuesday early in a month, whatever today is (the bridge takes history: ingest.max-age=0s): a working
            // day
            // to learn from, the month's remaining days to project over, the next morning's shift for the warning.
            LocalDate day = LocalDate.of(2026, 3, 3);
            Instant start = day.atStartOfDay(SHANGHAI).toInstant();
            Instant spike = start.plus(Duration.ofHours(33)); // 09:00 local on the second day, a quarter-hour boundary
            Path scenario = dir.resolve("scenario.csv");
            Files.write(
                    scenario,
                    List.of(
                            "type,subject,start,duration,factor",
                            "peak_heavy," + meter(m, HOUSEHOLD_TOU) + ",+0h,30h,2",
                            "peak_heavy," + meter(m, SHOP) + ",+0h,30h,2",
                            "spike," + meter(m, FACTORY_DEMAND) + "," + spike + ",15m,2.5"));
            Path truth = dir.resolve("ground-truth.csv");
            Path registry = dir.resolve("registry.csv");
            Path record = dir.resolve("published.jsonl");
            Map<TopicPartition, Long> from = KafkaTopics.endOffsets(STACK, Topics.READINGS);
            IngestConfig bridge =
                    IngestConfig.load(null, STACK.bridgeEnvironment(p + "-ingest", "KW_INGEST_MAX_AGE", "0s"));
            Pipeline.publishThroughBridge(
                    STACK,
                    bridge,
                    record,
                    "--meters",
                    "100",
                    "--meter-prefix",
                    m,
                    "--meters-per-transformer",
                    "50",
                    "--start",
                    start.toString(),
                    "--duration",
                    "PT34H",
                    "--scenario",
                    scenario.toString(),
                    "--ground-truth",
                    truth.toString(),
                    "--registry",
                    registry.toString());
            List<RegistryEntry> entries = RegistryCsv.parse(Files.readAllLines(registry));
            Map<String, RegistryEntry> byMeter =
                    entries.stream().collect(Collectors.toMap(RegistryEntry::meterId, e -> e));
            assertThat(byMeter.get(meter(m, HOUSEHOLD_TOU)).tariffPlanId()).isEqualTo("zj-res-tier-tou");
            assertThat(byMeter.get(meter(m, SHOP)).tariffPlanId()).isEqualTo("hb-ic-lv-tou");
            assertThat(byMeter.get(meter(m, FACTORY_DEMAND)).billingBasis()).isEqualTo("demand");
            IngestConfig loaders = IngestConfig.load(
                    null,
                    STACK.bridgeEnvironment(
                            p + "-loader",
                            "KW_KAFKA_TOPIC_REGISTRY",
                            registryTopic,
                            "KW_KAFKA_TOPIC_TARIFFS",
                            tariffsTopic));
            RegistryLoader.load(loaders, entries, List.of());
            TariffLoader.load(loaders, TariffCatalogue.sample(), List.of());

            runLoadCurveJob(from, registryTopic, tariffsTopic, hintsTopic, db);

            List<Hint> hints = kafka.readAll(hintsTopic, 1, Duration.ofSeconds(30)).stream()
                    .map(r -> decode(r.value()))
                    .toList();
            System.out.println("hints: " + hints.size()); // in the failsafe report
            hints.forEach(h -> System.out.println("  " + h.hintId() + " " + h.saving() + " " + h.message()));

            // 1. Each peak-heavy customer is told to shift, with the saving an independent calculation gives (within 1
            // %).
            List<Reading> published = Files.readAllLines(record).stream()
                    .map(TariffAdvisorIT::reading)
                    .toList();
            LocalDate firstDay = day;
            assertThat(firstDay.getDayOfWeek()).isEqualTo(java.time.DayOfWeek.TUESDAY);
            for (int index : new int[] {HOUSEHOLD_TOU, SHOP}) {
                String meter = meter(m, index);
                Hint shift = hints.stream()
                        .filter(h ->
                                h.customerId().equals("C" + meter) && h.kind().equals("shift_load"))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError("no shift hint for " + meter));
                assertThat(shift.hintId()).isEqualTo("C" + meter + "/shift_load/valley/" + firstDay);
                double expected = independentShiftSaving(
                        published, meter, byMeter.get(meter).tariffPlanId(), firstDay, 0.10);
                assertThat(shift.saving().doubleValue())
                        .as("saving told to %s", meter)
                        .isCloseTo(expected, within(expected * 0.01));
            }

            // 2. The demand warning comes before the jumped quarter is over, and says what the new maximum would cost.
            Hint warning = hints.stream()
                    .filter(h -> h.customerId().equals("C" + meter(m, FACTORY_DEMAND))
                            && h.kind().equals("demand_warning")
                            && h.hintId().endsWith("/" + spike.toEpochMilli()))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no demand warning for the factory's jumped quarter"));
            assertThat(warning.ts()).isBetween(spike.toEpochMilli(), spike.toEpochMilli() + Q - 1);
            assertThat(warning.hintId()).endsWith("/" + spike.toEpochMilli());
            // what the new maximum adds: kW above the month's maximum × 42.0 元/kW (the figures are rounded to 0.1 kW)
            assertThat(warning.saving().doubleValue())
                    .isCloseTo(warning.figures().get("kw_added").doubleValue() * 42.0, within(0.05 * 42));
            assertThat(warning.figures().get("kw_added").doubleValue()).isGreaterThan(100);

            // 3. A customer whose current plan is clearly the cheapest gets no switch hint;
            // one with a clearly cheaper plan gets one
            //    (households: annual tiers with or without time of use).
            String month = YearMonth.from(day).toString();
            Map<String, Map<String, Double>> projected = new HashMap<>();
            Map<String, String> currentPlan = new HashMap<>();
            for (Map<String, Object> row : influx.rows(
                    "SELECT last(projected) AS projected, last(current) AS current FROM bills WHERE month = '" + month
                            + "' GROUP BY customer, plan")) {
                projected
                        .computeIfAbsent((String) row.get("customer"), c -> new HashMap<>())
                        .put((String) row.get("plan"), ((Number) row.get("projected")).doubleValue());
                if (Boolean.TRUE.equals(row.get("current"))) {
                    currentPlan.put((String) row.get("customer"), (String) row.get("plan"));
                }
            }
            int clearlyCheapest = 0;
            int clearlyNot = 0;
            for (Map.Entry<String, Map<String, Double>> c : projected.entrySet()) {
                if (c.getValue().size() < 2
                        || !currentPlan.containsKey(c.getKey())
                        || c.getValue().containsKey("hb-ic-10kv-2part")) {
                    continue; // a switch to or from a two-part plan waits for a week of the month's maximum demand
                }
                double mine = c.getValue().get(currentPlan.get(c.getKey()));
                double others = c.getValue().entrySet().stream()
                        .filter(e -> !e.getKey().equals(currentPlan.get(c.getKey())))
                        .mapToDouble(Map.Entry::getValue)
                        .min()
                        .orElseThrow();
                boolean told = hints.stream()
                        .anyMatch(h ->
                                h.customerId().equals(c.getKey()) && h.kind().equals("switch_plan"));
                if (mine < others * 0.95) {
                    clearlyCheapest++;
                    assertThat(told)
                            .as("%s is on its cheapest plan (%.2f vs %.2f)", c.getKey(), mine, others)
                            .isFalse();
                } else if (others < mine * 0.95) {
                    clearlyNot++;
                    assertThat(told)
                            .as("%s would pay %.2f instead of %.2f", c.getKey(), others, mine)
                            .isTrue();
                }
            }
            assertThat(clearlyCheapest)
                    .as("customers clearly on their cheapest plan")
                    .isPositive();
            assertThat(clearlyNot).as("customers with a clearly cheaper plan").isPositive();

            // 4. Bills use the curves' energy, and revenue is the sum of the current plans' bills, to the fen.
            String shopCustomer = "C" + meter(m, SHOP);
            double billKwh = ((Number) influx.rows("SELECT last(kwh) FROM bills WHERE customer = '" + shopCustomer
                                    + "' AND month = '" + month + "'")
                            .get(0)
                            .get("last"))
                    .doubleValue();
            double curveKwh = ((Number) influx.rows(
                                    "SELECT sum(kwh) FROM load WHERE level = 'meter' AND interval = '15m' AND id = '"
                                            + meter(m, SHOP) + "'")
                            .get(0)
                            .get("sum"))
                    .doubleValue();
            assertThat(billKwh).isCloseTo(curveKwh, within(1e-3));
            long billed = 0;
            for (Map<String, Object> row : influx.rows("SELECT last(total) FROM bills WHERE month = '" + month
                    + "' AND current = true" + " GROUP BY customer")) {
                // a bill's amount in 元 reads back to the fen: its shortest decimal has two places
                java.math.BigDecimal total = java.math.BigDecimal.valueOf(((Number) row.get("last")).doubleValue());
                assertThat(total.stripTrailingZeros().scale()).isLessThanOrEqualTo(2);
                billed += total.movePointRight(2).longValueExact();
            }
            long revenue = 0;
            for (Map<String, Object> row :
                    influx.rows("SELECT last(billed_fen) FROM revenue WHERE level = 'class' AND month = '" + month
                            + "' GROUP BY id")) {
                revenue += ((Number) row.get("last")).longValue();
            }
            assertThat(revenue).isEqualTo(billed).isPositive();

            // 5. The hint reaches the customer's own MQTT topic through the bridge's outbound relay.
            Map<String, String> received = new ConcurrentHashMap<>();
            MqttClient customer = new MqttClient(STACK.mqttUrl(), p + "-customer", new MemoryPersistence());
            // As operations, which may watch every customer's topics: the shop has no broker account
            // here (BrokerAccessIT shows a customer logged in as itself, in its own lane).
            MqttConnectionOptions login = new MqttConnectionOptions();
            login.setUserName(io.kilowatch.model.BrokerAccounts.OPS);
            login.setPassword(STACK.opsPassword().getBytes(StandardCharsets.UTF_8));
            customer.connect(login);
            customer.subscribe(
                    new MqttSubscription[] {new MqttSubscription(Topics.customerHintsTopic(shopCustomer), 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {
                        (t, msg) -> received.put(t, new String(msg.getPayload(), StandardCharsets.UTF_8))
                    });
            IngestConfig relay = IngestConfig.load(
                    null,
                    STACK.bridgeEnvironment(
                            p + "-relay",
                            "KW_KAFKA_TOPIC_HINTS",
                            hintsTopic,
                            "KW_OUTBOUND_GROUP_ID",
                            p + "-outbound",
                            "KW_OUTBOUND_START_FROM",
                            "earliest",
                            "KW_KAFKA_TOPIC_REGISTRY",
                            registryTopic));
            try (IngestService ingest = IngestService.start(relay)) {
                long deadline = System.currentTimeMillis() + 30_000;
                while (received.isEmpty() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
            } finally {
                customer.disconnect();
                customer.close();
            }
            assertThat(received.get(Topics.customerHintsTopic(shopCustomer)))
                    .contains("\"kind\":\"shift_load\"")
                    .contains(shopCustomer);

            // 6. score: shift hints against the injected peak-heavy customers.
            Path out = dir.resolve("score");
            Files.createDirectories(out);
            int exit = SimulatorMain.commandLine(new SimulatorMain())
                    .execute(
                            "score",
                            "--kafka",
                            STACK.kafkaBootstrap(),
                            "--alerts-topic",
                            kafka.createTopic("test." + p + ".alerts", 1, false),
                            "--hints-topic",
                            hintsTopic,
                            "--ground-truth",
                            truth.toString(),
                            "--registry",
                            registry.toString(),
                            "--out",
                            out.toString());
            assertThat(exit).isZero();
            String score = Files.readString(out.resolve("score.md"));
            System.out.println(score);
            String row = score.lines()
                    .filter(l -> l.startsWith("| shift_load |"))
                    .findFirst()
                    .orElseThrow();
            assertThat(row).as("every peak-heavy customer told").endsWith(" | 1.00 |");
        } finally {
            influx.close();
        }
    }

    /**
     * The shift hint's saving worked out apart from the stage: each 15-minute interval's energy from
     * the published readings (kW × 1 minute), by the plan's hours as TARIFFS.md states them, the
     * first local day carried to the month's end (every day of the month has the same hours), and
     * the flexible share of the expensive hours' energy moved to the valley at the price difference.
     */
    static double independentShiftSaving(
            List<Reading> published, String meter, String plan, LocalDate day, double flexible) {
        long dayStart = day.atStartOfDay(SHANGHAI).toInstant().toEpochMilli();
        long dayEnd = dayStart + 86_400_000L;
        Map<String, Double> kwh = new HashMap<>();
        Map<Long, Boolean> seen = new HashMap<>();
        for (Reading r : published) {
            if (!r.meterId().equals(meter) || r.ts() < dayStart || r.ts() >= dayEnd || seen.put(r.ts(), true) != null) {
                continue;
            }
            LocalDateTime local =
                    LocalDateTime.ofInstant(Instant.ofEpochMilli(r.ts() - Math.floorMod(r.ts(), Q)), SHANGHAI);
            kwh.merge(period(plan, local.getHour()), r.kw() / 60.0, Double::sum);
        }
        int daysLeft = YearMonth.from(day).lengthOfMonth() - day.getDayOfMonth(); // after the first day
        double saving = 0;
        if (plan.equals("zj-res-tier-tou")) { // peak 08–22 0.568, valley 22–08 0.288
            saving = flexible * kwh.getOrDefault("peak", 0.0) * (1 + daysLeft) * (0.568 - 0.288);
        } else if (plan.equals(
                "hb-ic-lv-tou")) { // critical 1.143999, peak 0.940961, valley 0.546924 (ASSUMED low-voltage prices)
            saving = flexible
                    * (1 + daysLeft)
                    * (kwh.getOrDefault("critical", 0.0) * (1.143999 - 0.546924)
                            + kwh.getOrDefault("peak", 0.0) * (0.940961 - 0.546924));
        }
        return saving;
    }

    /** Hubei's hours outside July and August, Zhejiang's every day, as TARIFFS.md states them. */
    private static String period(String plan, int hour) {
        if (plan.equals("zj-res-tier-tou")) {
            return hour >= 8 && hour < 22 ? "peak" : "valley";
        }
        if (hour < 6 || (hour >= 12 && hour < 14)) {
            return "valley";
        }
        if (hour >= 18 && hour < 20) {
            return "critical";
        }
        return (hour >= 16 && hour < 18) || hour >= 20 ? "peak" : "flat";
    }

    private static String meter(String prefix, int index) {
        return String.format("%s%05d", prefix, index);
    }

    private static Reading reading(String json) {
        try {
            return new ReadingCodec().decodeReading(json.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Hint decode(byte[] json) {
        try {
            return new HintCodec().decode(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The production load-curve job with its tariff stage over this run's readings (bounded at what is in Kafka now). */
    private static void runLoadCurveJob(
            Map<TopicPartition, Long> from, String registryTopic, String tariffsTopic, String hintsTopic, String db)
            throws Exception {
        JobConfig config = Pipeline.boundedJob(
                STACK,
                db,
                "KW_KAFKA_TOPIC_REGISTRY",
                registryTopic,
                "KW_KAFKA_TOPIC_TARIFFS",
                tariffsTopic,
                "KW_KAFKA_TOPIC_HINTS",
                hintsTopic);
        Pipeline.runProductionJob(STACK, from, config, false);
    }
}

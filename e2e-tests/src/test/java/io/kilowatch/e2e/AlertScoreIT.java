package io.kilowatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.AlertJob;
import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.alerts.AlertStage;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.flink.wiring.Connectors;
import io.kilowatch.flink.wiring.EventTime;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.ingest.IngestConfig;
import io.kilowatch.ingest.RegistryLoader;
import io.kilowatch.model.Alert;
import io.kilowatch.model.Reading;
import io.kilowatch.model.RegistryCsv;
import io.kilowatch.model.Topics;
import io.kilowatch.model.testing.Dashboard;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import io.kilowatch.sim.SimulatorMain;
import io.kilowatch.sim.score.AlertLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #5's score with real alerts: a 100-customer fleet with every kind of anomaly (a scenario
 * with ground truth) through the simulator, Mosquitto, the bridge and Kafka, the production alert
 * pipeline over it, and {@code score} over what it wrote to Kafka. Every injected anomaly is
 * found, and the alerts nothing explains are few and named.
 */
class AlertScoreIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();

    @Test
    void everyInjectedAnomalyIsFoundAndUnexplainedAlertsAreFew(@TempDir Path dir) throws Exception {
        String p = TestStack.uniquePrefix("score");
        String m = p + "-M";
        String alerts = "test." + p + ".alerts";
        String registryTopic = "test." + p + ".registry";
        TestKafka kafka = new TestKafka(STACK);
        kafka.createTopic(alerts, 2, false);
        kafka.createTopic(registryTopic, 1, true);
        Path scenario = dir.resolve("scenario.csv");
        Files.write(
                scenario,
                List.of(
                        "type,subject,start,duration,factor",
                        "over_capacity," + m + "00011,+3h,45m,1.4",
                        "outage," + m + "00021,+4h,40m",
                        "voltage_sag,R01-F01-T002,+6h,20m",
                        "voltage_swell," + m + "00050,+7h,20m",
                        "low_pf," + m + "00027,+8h,60m",
                        "spike," + m + "00035,+27h,10m,5",
                        "transformer_overload,R01-F01-T002,+10h,30m,6",
                        "register_backwards," + m + "00075,+12h,1h",
                        "export_non_prosumer," + m + "00086,+13h,30m",
                        "outage,R01-F01-T001,+14h,30m",
                        "current_no_energy," + m + "00097,+15h,30m",
                        "excess_line_loss,R01-F01-T001,+18h,2h,0.15",
                        "consumption_drop," + m + "00065,+26h,4h,0.3",
                        "peak_heavy," + m + "00002,+0h,30h"));
        Path truth = dir.resolve("ground-truth.csv");
        Path registry = dir.resolve("registry.csv");
        Path record = dir.resolve("published.jsonl");
        // A fixed day, so the fleet's weather and noise (which follow the date) are the same in
        // every run: with "two days back" the score changed with the day the tests ran, and on
        // 2026-12-03 the theft's area balance did not confirm it (its 4-hour drop is near what the
        // balance can tell from the area's noise on some days). The bridge's age horizon is off
        // for it (ingest.max-age=0s); the readings' Kafka timestamps are the publishing time.
        String start = "2026-11-30T00:00:00Z";
        Map<TopicPartition, Long> from = KafkaTopics.endOffsets(STACK, Topics.READINGS);

        long published = Pipeline.publishThroughBridge(
                STACK,
                IngestConfig.load(null, STACK.bridgeEnvironment(p + "-ingest", "KW_INGEST_MAX_AGE", "0s")),
                record,
                "--meters",
                "100",
                "--meter-prefix",
                m,
                "--meters-per-transformer",
                "50",
                "--start",
                start,
                "--duration",
                "PT30H",
                "--scenario",
                scenario.toString(),
                "--ground-truth",
                truth.toString(),
                "--registry",
                registry.toString());
        RegistryLoader.load(
                IngestConfig.load(
                        null, STACK.bridgeEnvironment(p + "-registry", "KW_KAFKA_TOPIC_REGISTRY", registryTopic)),
                RegistryCsv.parse(Files.readAllLines(registry)),
                List.of());
        String db = "score_" + Long.toHexString(System.nanoTime());
        InfluxQuery influx = InfluxQuery.scratch(STACK.influxUrl(), db);
        runAlertJob(from, registryTopic, alerts, db, p);

        Path out = dir.resolve("score");
        int exit = SimulatorMain.commandLine(new SimulatorMain())
                .execute(
                        "score",
                        "--kafka",
                        STACK.kafkaBootstrap(),
                        "--alerts-topic",
                        alerts,
                        "--ground-truth",
                        truth.toString(),
                        "--registry",
                        registry.toString(),
                        "--out",
                        out.toString());
        assertThat(exit).isZero();
        Map<String, String[]> rows = Files.readAllLines(out.resolve("score.csv")).stream()
                .skip(1)
                .map(l -> l.split(",", -1))
                .collect(Collectors.toMap(c -> c[0], c -> c));
        System.out.println(Files.readString(out.resolve("score.md"))); // in the failsafe report, for the record
        assertThat(rows.keySet())
                .containsExactlyInAnyOrder(
                        "over_capacity",
                        "transformer_overload",
                        "meter_offline",
                        "voltage_sag",
                        "voltage_swell",
                        "low_pf",
                        "spike",
                        "theft_suspected",
                        "tamper",
                        "excess_line_loss",
                        "area_outage",
                        "area_voltage_sag");
        // The sagging area and the dark one are one incident each, their meters' alerts folded under them.
        assertThat(rows.get("area_outage")[1]).isEqualTo("1");
        assertThat(rows.get("area_voltage_sag")[1]).isEqualTo("1");
        assertThat(rows.get("voltage_sag")[1]).as("no meter's sag stands alone").isEqualTo("0");
        assertThat(Integer.parseInt(rows.get("voltage_sag")[10]))
                .as("T002's customers and area meter")
                .isEqualTo(51);
        for (String[] row : rows.values()) {
            // alert_type,alerts,true_positives,precision,anomalies,detected,recall,delay_median_s,delay_max_s,explained,folded
            if (!row[4].equals("0")) {
                assertThat(row[6]).as("recall of %s", row[0]).isEqualTo("1.0000");
            }
            int unexplained = Integer.parseInt(row[1]) - Integer.parseInt(row[2]) - Integer.parseInt(row[9]);
            assertThat(unexplained)
                    .as("%s alerts that no anomaly explains", row[0])
                    .isZero();
        }
        try {
            dashboardAgreesWithTheAlertsTopic(influx, AlertLog.ALERTS.fromKafka(STACK.kafkaBootstrap(), alerts));
        } finally {
            influx.close();
        }
    }

    /**
     * Dashboard truth (issue #13): the alerts dashboard's panels, over what the job wrote to
     * InfluxDB, say what kw.alerts says — each open alert a row, each incident with its members,
     * the counts by type those of the topic.
     */
    private static void dashboardAgreesWithTheAlertsTopic(InfluxQuery influx, List<Alert> onTopic) throws Exception {
        Dashboard dashboard = Dashboard.load("../dashboards/grafana/alerts.json");
        long from = onTopic.stream().mapToLong(Alert::ts).min().orElseThrow();
        long to = onTopic.stream().mapToLong(Alert::ts).max().orElseThrow();
        Map<String, Alert> last = new java.util.LinkedHashMap<>();
        onTopic.stream().sorted(java.util.Comparator.comparingLong(Alert::ts)).forEach(a -> last.put(a.alertId(), a));

        Map<String, Long> opened = onTopic.stream()
                .filter(Alert::isOpen)
                .map(a -> a.type() + "/" + a.alertId())
                .distinct()
                .collect(Collectors.groupingBy(k -> k.substring(0, k.indexOf('/')), Collectors.counting()));
        Map<String, Long> panelCounts =
                influx.rows(dashboard.panelQuery("Alerts opened by type in the time range", from, to, "1h")).stream()
                        .collect(Collectors.toMap(
                                r -> (String) r.get("type"), r -> InfluxQuery.asLong(r.get("opened"))));
        assertThat(panelCounts)
                .as("alerts opened by type, on the dashboard and on kw.alerts")
                .isEqualTo(opened);
        Map<String, Long> alone = onTopic.stream()
                .filter(a -> a.isOpen() && a.parentId() == null)
                .map(a -> a.type() + "/" + a.alertId())
                .distinct()
                .collect(Collectors.groupingBy(k -> k.substring(0, k.indexOf('/')), Collectors.counting()));
        assertThat(influx.rows(dashboard.panelQuery("Incidents and alerts standing alone", from, to, "1h")).stream()
                        .collect(Collectors.toMap(
                                r -> (String) r.get("type"), r -> InfluxQuery.asLong(r.get("opened")))))
                .isEqualTo(alone);

        List<String> openNow = last.values().stream()
                .filter(Alert::isOpen)
                .map(Alert::alertId)
                .sorted()
                .toList();
        assertThat(influx.rows(dashboard.panelQuery("Open alerts")).stream()
                        .filter(r -> "OPEN".equals(r.get("state")))
                        .map(r -> (String) r.get("alert_id"))
                        .sorted()
                        .toList())
                .as("each open alert a row")
                .isEqualTo(openNow);

        // Every incident of the run with every member, from the transitions an incident's members carried.
        Map<String, java.util.Set<String>> incidents = new java.util.TreeMap<>();
        onTopic.stream()
                .filter(a -> a.parentId() != null && a.isOpen())
                .forEach(a -> incidents
                        .computeIfAbsent(a.parentId(), k -> new java.util.TreeSet<>())
                        .add(a.subjectId()));
        assertThat(incidents.keySet())
                .as("the dark area, the sagging one, the overload (and any spike under an over-capacity)")
                .anyMatch(k -> k.startsWith("R01-F01-T001/area_outage/"))
                .anyMatch(k -> k.startsWith("R01-F01-T002/area_voltage_sag/"))
                .anyMatch(k -> k.startsWith("R01-F01-T002/transformer_overload/"));
        for (Map.Entry<String, java.util.Set<String>> incident : incidents.entrySet()) {
            List<Map<String, Object>> members =
                    influx.rows("SELECT last(\"state\") AS \"state\" FROM \"alerts\" WHERE \"parent_id\" = '"
                            + incident.getKey() + "' GROUP BY \"id\"");
            assertThat(members)
                    .extracting(r -> (String) r.get("id"))
                    .as("members of %s", incident.getKey())
                    .containsExactlyInAnyOrderElementsOf(incident.getValue());
        }
    }

    /** The production alert pipeline over this run's readings (bounded at what is in Kafka now), its registry and alerts topics. */
    private static void runAlertJob(
            Map<TopicPartition, Long> from, String registryTopic, String alerts, String db, String p) throws Exception {
        JobConfig config = JobConfig.load(
                null,
                STACK.jobEnvironment(
                        db,
                        "KW_KAFKA_TOPIC_REGISTRY",
                        registryTopic,
                        "KW_KAFKA_TOPIC_ALERTS",
                        alerts,
                        "KW_JOB_BOUNDED",
                        "true"));
        KafkaSource<Reading> readings = Pipeline.readings(STACK, from);
        StreamExecutionEnvironment flink =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.baseConfiguration());
        flink.setParallelism(2);
        new AlertJob(
                        readings,
                        Connectors.registry(config, p + "-alerts"),
                        EventTime.from(config),
                        new AlertStage(
                                AlertStage.Params.from(config), Connectors.influx(config), Connectors.alerts(config)))
                .execute(flink);
    }
}

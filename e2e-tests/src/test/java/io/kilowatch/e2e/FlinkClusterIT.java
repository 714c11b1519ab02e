package io.kilowatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.LoadCurveJob;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.ingest.IngestConfig;
import io.kilowatch.ingest.RegistryLoader;
import io.kilowatch.model.RegistryCsv;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15 outcome 2: the production load-curve job with its alert stage, submitted to a real
 * session cluster (scripts/cluster.sh: a JobManager and two TaskManagers, separate JVMs) at
 * parallelism 2, writes exactly the InfluxDB points and raises exactly the alerts of the same
 * job run embedded, over the same fleet (with registers, a registry, and injected anomalies).
 * Both runs are bounded: they read the test's readings topic to its end and finish.
 */
class FlinkClusterIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();

    @RegisterExtension
    static final FlinkCluster cluster = new FlinkCluster();

    @Test
    void theClusterAtParallelismTwoWritesExactlyThePointsAndAlertsOfTheEmbeddedRun(@TempDir Path dir) throws Exception {
        String p = TestStack.uniquePrefix("cluster");
        String m = p + "-M";
        TestKafka kafka = new TestKafka(STACK);
        String readings = kafka.createTopic("test." + p + ".readings", 2, false);
        String registryTopic = kafka.createTopic("test." + p + ".registry", 1, true);
        Path scenario = dir.resolve("scenario.csv");
        Files.write(
                scenario,
                List.of(
                        "type,subject,start,duration,factor",
                        "over_capacity," + m + "00011,+3h,45m,1.4",
                        "outage," + m + "00021,+4h,40m",
                        "voltage_sag,R01-F01-T002,+6h,20m",
                        "low_pf," + m + "00027,+8h,60m",
                        "transformer_overload,R01-F01-T002,+10h,30m,6"));
        Path registry = dir.resolve("registry.csv");
        String start = LocalDate.now(ZoneOffset.UTC)
                .minusDays(1)
                .atStartOfDay()
                .toInstant(ZoneOffset.UTC)
                .toString();
        long published = Pipeline.publishThroughBridge(
                STACK,
                IngestConfig.load(null, STACK.bridgeEnvironment(p + "-ingest", "KW_KAFKA_TOPIC_READINGS", readings)),
                dir.resolve("published.jsonl"),
                "--meters",
                "60",
                "--meter-prefix",
                m,
                "--meters-per-transformer",
                "30",
                "--start",
                start,
                "--duration",
                "PT12H",
                "--scenario",
                scenario.toString(),
                "--registry",
                registry.toString());
        RegistryLoader.load(
                IngestConfig.load(
                        null, STACK.bridgeEnvironment(p + "-registry", "KW_KAFKA_TOPIC_REGISTRY", registryTopic)),
                RegistryCsv.parse(Files.readAllLines(registry)),
                List.of());

        try (InfluxQuery embedded = InfluxQuery.scratch(STACK.influxUrl(), "emb_" + p.replace('-', '_'));
                InfluxQuery clustered = InfluxQuery.scratch(STACK.influxUrl(), "clu_" + p.replace('-', '_'))) {
            String embeddedAlerts = kafka.createTopic("test." + p + ".alerts-embedded", 2, false);
            String clusterAlerts = kafka.createTopic("test." + p + ".alerts-cluster", 2, false);
            Path embeddedConfig = settings(dir, p, "embedded", readings, registryTopic, embeddedAlerts, embedded);
            Path clusterConfig = settings(dir, p, "cluster", readings, registryTopic, clusterAlerts, clustered);

            JobConfig c = JobConfig.load(embeddedConfig, Map.of());
            LoadCurveJob.fromConfig(c).execute(FlinkSetup.environment(c));
            String job = cluster.submit("curves", 2, clusterConfig, null);
            cluster.await(job, "FINISHED", 600);

            Map<String, Object> embeddedPoints = points(embedded);
            Map<String, Object> clusterPoints = points(clustered);
            assertThat(embeddedPoints.keySet().stream()
                            .filter(k -> k.startsWith("load|"))
                            .count())
                    .as("the embedded run wrote the curves")
                    .isGreaterThan(60 * 12 * 4);
            assertThat(difference(embeddedPoints, clusterPoints))
                    .as("points that differ")
                    .isEmpty();

            List<String> embeddedIds = alertIds(kafka, embeddedAlerts);
            assertThat(embeddedIds).as("the scenario's anomalies raised alerts").hasSizeGreaterThanOrEqualTo(5);
            assertThat(alertIds(kafka, clusterAlerts)).isEqualTo(embeddedIds);
            System.out.printf( // in the failsafe report, for the record
                    "cluster = embedded: %d points, %d alert records, %d readings%n",
                    embeddedPoints.size(), embeddedIds.size(), published);
        }
        // 60 customers and 2 area meters every minute for 12 hours, but the 40 minutes of the outage.
        assertThat(published).isEqualTo(62L * 12 * 60 - 40);
    }

    /** The job's settings for one run: the test's topics, bounded, from the start, its own database and group. */
    private static Path settings(
            Path dir, String p, String run, String readings, String registry, String alerts, InfluxQuery db)
            throws Exception {
        Path file = dir.resolve(run + ".properties");
        Files.write(
                file,
                List.of(
                        "kafka.bootstrap-servers=" + STACK.kafkaBootstrap(),
                        "kafka.topic.readings=" + readings,
                        "kafka.topic.registry=" + registry,
                        "kafka.topic.alerts=" + alerts,
                        "kafka.topic.late=test." + p + ".late",
                        "kafka.group-id=" + p + "-" + run,
                        "alerts.group-id=" + p + "-" + run + "-alerts",
                        "kafka.start-from=earliest",
                        // A replay reads 12 hours in seconds, and how far one partition's
                        // watermark runs ahead of the other's at start depends on which split a
                        // reader gets first: with no lateness, which readings count in their minute
                        // is a race (the first run of this test lost the early minutes on the
                        // cluster). With the quarter's two hours for minutes too, every reading
                        // counts and the final points are the same whatever the race.
                        "time.allowed-lateness.1m=2h",
                        "job.bounded=true",
                        "job.parallelism=2",
                        "alerts.with-load-curves=true",
                        "tariffs.enabled=false"));
        Files.write(file, STACK.influxSettings(db.database()), java.nio.file.StandardOpenOption.APPEND);
        return file;
    }

    /** Every point of the measurements the job computes, keyed by measurement, tags and time; values as read. */
    private static Map<String, Object> points(InfluxQuery db) throws Exception {
        Map<String, Object> all = new TreeMap<>();
        for (String measurement : List.of("load", "daily_kpi", "load_compare", "alerts", "insight")) {
            for (Map<String, Object> row : db.rows("SELECT * FROM \"" + measurement + "\" GROUP BY *")) {
                Map<String, Object> sorted = new TreeMap<>(row);
                Object time = sorted.remove("time");
                all.put(measurement + "|" + sorted.keySet() + "|" + tagsOf(row) + "|" + time, sorted.toString());
            }
        }
        return all;
    }

    /** What differs between two runs' points: keys only in one, and values that differ (at most 20 of each). */
    static <V> List<String> difference(Map<String, V> expected, Map<String, V> actual) {
        List<String> out = new ArrayList<>();
        expected.forEach((k, v) -> {
            if (!actual.containsKey(k)) {
                out.add("only embedded: " + k + " = " + v);
            } else if (!actual.get(k).equals(v)) {
                out.add("differs: " + k + "\n  embedded " + v + "\n  cluster  " + actual.get(k));
            }
        });
        actual.forEach((k, v) -> {
            if (!expected.containsKey(k)) {
                out.add("only cluster: " + k + " = " + v);
            }
        });
        return out.size() > 20 ? out.subList(0, 20) : out;
    }

    private static String tagsOf(Map<String, Object> row) {
        List<String> t = new ArrayList<>();
        for (String k : List.of("level", "id", "interval", "shift", "type", "alert_id", "state")) {
            if (row.containsKey(k)) {
                t.add(k + "=" + row.get(k));
            }
        }
        return String.join(",", t);
    }

    /** The alert records (key and value), sorted: both runs must have raised the same, whatever their order across keys. */
    private static List<String> alertIds(TestKafka kafka, String topic) throws Exception {
        List<String> out = new ArrayList<>();
        for (var r : kafka.readToEnd(topic, true)) {
            out.add(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8) + " "
                    + new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
        }
        out.sort(null);
        return out;
    }
}

package io.kilowatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.LoadCurveJob;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue #15 outcome 5: one steady simulated stream (registers included) through the real ingest
 * jar and the load-curve job running live on the Flink session cluster at parallelism 2, and on
 * it, one after another: SIGKILL of a TaskManager (brought back by {@code cluster.sh up}), InfluxDB
 * stopped for a minute, Mosquitto restarted, and the single Kafka broker SIGKILLed and restarted.
 * Afterwards every reading the broker acknowledged is in Kafka, none dead-lettered, and every
 * meter's 15-minute {@code readings} and {@code kwh} that the live job wrote equal a fault-free
 * run of the same job over the same readings. (A Kafka node of three: KafkaClusterIT; an ingest
 * instance SIGKILLed: IngestResilienceIT.)
 */
class ChaosIT {
    private static final Logger LOG = LoggerFactory.getLogger(ChaosIT.class);

    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    @RegisterExtension
    static final FlinkCluster cluster = new FlinkCluster();

    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final Path LOGS = Path.of("target", "chaos-logs");
    private static final int METERS = 100;
    private static final int MINUTES = 300;
    /** Simulated seconds per second: five hours of readings in about a minute. */
    private static final double SPEED = 300;

    private record Quarters(Map<String, Long> readings, Map<String, Double> kwh) {
        long total() {
            return readings.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Test
    void aStreamThroughEveryFaultEndsWithTheCurvesOfAFaultFreeRun(@TempDir Path dir) throws Exception {
        String p = TestStack.uniquePrefix("chaos");
        String m = p + "-M";
        Files.createDirectories(LOGS);
        TestKafka kafka = new TestKafka(STACK);
        String readings = kafka.createTopic("test." + p + ".readings", 4, false);
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(MINUTES + 5L));
        List<String> timeline = new ArrayList<>();
        long began = System.nanoTime();

        try (InfluxQuery live = InfluxQuery.scratch(STACK.influxUrl(), "chaos_live_" + Math.abs(p.hashCode()));
                InfluxQuery reference = InfluxQuery.scratch(STACK.influxUrl(), "chaos_ref_" + Math.abs(p.hashCode()));
                BridgeProcess bridge = new BridgeProcess(
                                STACK, p + "-bridge", LOGS, Map.of("KW_KAFKA_TOPIC_READINGS", readings))
                        .start()) {
            String job = cluster.submit("curves", 2, settings(dir, p, "live", readings, live), null);
            cluster.await(job, "RUNNING", 120);
            CompletableFuture<Long> publishing = Pipeline.publishInBackground(STACK, m, METERS, start, MINUTES, SPEED);
            long expected = (long) METERS * MINUTES;
            long published;
            try {

                awaitForwarded(bridge, expected / 6);
                // Kill the TaskManager that runs the job: the first, or (if the job's slots are all on
                // the second) the second as well, once the first is back.
                for (int tm = 1; tm <= 2 && cluster.restarts(job) == 0; tm++) {
                    cluster.killTaskManager(tm);
                    timeline.add(at(began) + " TaskManager " + tm + " SIGKILLed");
                    cluster.up();
                    timeline.add(at(began) + " TaskManager " + tm + " started again");
                    // Flink notices a silent TaskManager by its missed heartbeats (10 s, cluster.sh).
                    long until = System.currentTimeMillis() + 40_000;
                    while (cluster.restarts(job) == 0 && System.currentTimeMillis() < until) {
                        Thread.sleep(500);
                    }
                    cluster.await(job, "RUNNING", 120);
                }
                assertThat(cluster.restarts(job))
                        .as("the job restarted from its checkpoint")
                        .isPositive();
                timeline.add(at(began) + " job running again after " + cluster.restarts(job) + " restart(s)");

                awaitForwarded(bridge, expected * 2 / 6);
                StackFaults.stop("influx");
                long influxDown = System.nanoTime();
                timeline.add(at(began) + " InfluxDB stopped");

                awaitForwarded(bridge, expected * 3 / 6);
                StackFaults.stop("mqtt");
                timeline.add(at(began) + " Mosquitto stopped");
                StackFaults.start("mqtt");
                timeline.add(at(began) + " Mosquitto started");

                awaitForwarded(bridge, expected * 4 / 6);
                StackFaults.killKafka();
                timeline.add(at(began) + " Kafka SIGKILLed");
                Thread.sleep(3_000);
                StackFaults.start("kafka");
                timeline.add(at(began) + " Kafka started");

                published = publishing.get(5, TimeUnit.MINUTES);
                timeline.add(at(began) + " fleet published " + published);
                long down = 60_000 - (System.nanoTime() - influxDown) / 1_000_000;
                if (down > 0) {
                    Thread.sleep(down);
                }
                StackFaults.start("influx");
                timeline.add(at(began) + " InfluxDB started after " + (System.nanoTime() - influxDown) / 1_000_000_000
                        + " s");
            } finally {
                StackFaults.startAll(); // whatever a failure left stopped: the tests after this one need it
            }

            assertThat(published).isEqualTo(expected);
            bridge.awaitAccounted(published, Duration.ofMinutes(3));
            assertThat(bridge.metric("kilowatch_ingest_dead_lettered_total")).isZero();
            Map<TopicPartition, Long> from = new HashMap<>();
            for (int i = 0; i < 4; i++) {
                from.put(new TopicPartition(readings, i), 0L);
            }
            Map<String, Integer> copies =
                    KafkaTopics.readingCopies(STACK, readings, from, m, (int) published, Duration.ofMinutes(2));
            assertThat(copies).as("every published (meterId, ts) is in Kafka").hasSize((int) published);
            timeline.add(at(began) + " in Kafka: " + copies.size() + " distinct, "
                    + copies.values().stream().mapToInt(n -> n - 1).sum() + " duplicate copies");

            // The live job closes the last quarters once its partitions have been idle a while.
            Quarters afterFaults = quarters(live, m);
            long deadline = System.currentTimeMillis() + 240_000;
            while (afterFaults.total() < published && System.currentTimeMillis() < deadline) {
                Thread.sleep(2_000);
                afterFaults = quarters(live, m);
            }
            timeline.add(at(began) + " live job's quarters hold " + afterFaults.total() + " readings");
            cluster.cancel(job);

            JobConfig faultFree = JobConfig.load(settings(dir, p, "reference", readings, reference), Map.of());
            LoadCurveJob.fromConfig(faultFree).execute(FlinkSetup.environment(faultFree));
            Quarters expectedQuarters = quarters(reference, m);
            timeline.forEach(line -> LOG.info("chaos {}", line));
            System.out.println("chaos timeline:\n  " + String.join("\n  ", timeline)); // in the failsafe report

            assertThat(expectedQuarters.total())
                    .as("every reading counted, fault-free")
                    .isEqualTo(published);
            assertThat(afterFaults.readings()).isEqualTo(expectedQuarters.readings());
            assertThat(afterFaults.kwh().keySet())
                    .isEqualTo(expectedQuarters.kwh().keySet());
            Quarters expectedFinal = expectedQuarters;
            Quarters liveFinal = afterFaults;
            // To the nWh: a quarter's kWh is a sum of doubles in arrival order.
            expectedFinal
                    .kwh()
                    .forEach(
                            (k, kwh) -> assertThat(liveFinal.kwh().get(k)).as(k).isCloseTo(kwh, within(1e-9)));
        }
    }

    /** The job's settings: the test's topics from the start, a checkpoint every 5 s, its own database. */
    private static Path settings(Path dir, String p, String run, String readings, InfluxQuery db) throws Exception {
        Path file = dir.resolve(run + ".properties");
        List<String> lines = new ArrayList<>(List.of(
                "kafka.bootstrap-servers=" + STACK.kafkaBootstrap(),
                "kafka.topic.readings=" + readings,
                "kafka.topic.late=test." + p + "." + run + ".late",
                "kafka.group-id=" + p + "-" + run,
                "kafka.start-from=earliest",
                "checkpoint.interval=5s",
                // Faults hold readings back for seconds, which is minutes of event time at 300x:
                // with this much lateness every reading still counts, in either run.
                "time.out-of-orderness=30m",
                "time.allowed-lateness.1m=2h",
                "time.allowed-lateness.15m=2h",
                "tariffs.enabled=false"));
        lines.addAll(STACK.influxSettings(db.database()));
        if (run.equals("live")) {
            lines.addAll(List.of("job.parallelism=2", "time.close-after-idle=20s"));
        } else {
            lines.addAll(List.of("job.bounded=true", "job.parallelism=2"));
        }
        Files.write(file, lines);
        return file;
    }

    /** Each meter's 15-minute (readings, kWh), keyed by meter and quarter start. */
    private static Quarters quarters(InfluxQuery db, String meterPrefix) throws Exception {
        Map<String, Long> readings = new HashMap<>();
        Map<String, Double> kwh = new HashMap<>();
        for (Map<String, Object> row : db.rows("SELECT \"readings\", \"kwh\", \"id\" FROM \"load\" WHERE"
                + " \"level\" = 'meter' AND \"interval\" = '15m'")) {
            String id = (String) row.get("id");
            if (!id.startsWith(meterPrefix)) {
                continue;
            }
            String key = id + "@" + row.get("time");
            readings.put(key, InfluxQuery.asLong(row.get("readings")));
            kwh.put(key, InfluxQuery.asDouble(row.get("kwh")));
        }
        return new Quarters(readings, kwh);
    }

    private static void awaitForwarded(BridgeProcess bridge, long n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (bridge.metric("kilowatch_ingest_readings_forwarded_total") < n
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(bridge.metric("kilowatch_ingest_readings_forwarded_total")).isGreaterThanOrEqualTo(n);
    }

    private static String at(long began) {
        return String.format("%6.1f s", (System.nanoTime() - began) / 1e9);
    }
}

package io.kilowatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.LoadCurveJob;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import io.kilowatch.sim.fleet.Fleet;
import io.kilowatch.sim.fleet.FleetSimulation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #15 outcome 3: the live load-curve job on the session cluster, run from an older build
 * (the commit before the last change of the per-meter operator, {@code MeterIntervals}, built
 * from this repository's history), is stopped with a savepoint halfway through a fleet's
 * readings (open intervals, dedup memory, register offsets, and minutes of unregistered meters
 * held in state); the second half arrives while it is down; this build's job started from the
 * savepoint, changed besides (the alert stage added, the InfluxDB sink's batches resized), ends
 * with exactly the 15-minute and 1-minute points of one uninterrupted bounded run: no reading
 * lost, none counted twice.
 */
class SavepointUpgradeIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();

    @RegisterExtension
    static final FlinkCluster cluster = new FlinkCluster();

    private static final int METERS = 40;

    @Test
    void aJobStoppedWithASavepointAndStartedFromItLosesNoReadingAndCountsNoneTwice(@TempDir Path dir) throws Exception {
        String p = TestStack.uniquePrefix("savepoint");
        TestKafka kafka = new TestKafka(STACK);
        String readings = kafka.createTopic("test." + p + ".readings", 2, false);
        String registry = kafka.createTopic("test." + p + ".registry", 1, true);
        Instant start =
                LocalDate.now(ZoneOffset.UTC).minusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        List<Reading> fleet = fleet(p + "-M", start);
        long half = start.plus(Duration.ofHours(3)).toEpochMilli();
        List<Reading> first = fleet.stream().filter(r -> r.ts() < half).toList();
        List<Reading> second = fleet.stream().filter(r -> r.ts() >= half).toList();

        try (InfluxQuery live = InfluxQuery.scratch(STACK.influxUrl(), "sp_" + p.replace('-', '_'));
                InfluxQuery straight = InfluxQuery.scratch(STACK.influxUrl(), "st_" + p.replace('-', '_'))) {
            Path liveConfig = settings(dir, p, "live", readings, registry, live, false);
            PreviousBuild.Jar older = PreviousBuild.clusterJarBeforeLastChangeOf(
                    "flink-jobs/src/main/java/io/kilowatch/flink/curves/MeterIntervals.java");
            produce(kafka, readings, first);
            String job = cluster.submit("curves", 2, liveConfig, null, older.path());
            awaitCounted(live, first.size());
            String savepoint = cluster.stopWithSavepoint(job);
            assertThat(savepoint).as("the savepoint's path").startsWith("file:");

            produce(kafka, readings, second); // while the job is down
            // Started again as this build, and a changed job: a stage added (the alert stage, its
            // operators new, with state of their own from nothing) and a sink tuned differently. Every stateful
            // operator of the first run keeps its uid, so its state is restored; nothing is left
            // unrestored.
            Path changedConfig = dir.resolve("changed.properties");
            List<String> changed = new ArrayList<>(Files.readAllLines(liveConfig));
            changed.addAll(List.of(
                    "alerts.with-load-curves=true",
                    "kafka.topic.alerts=" + kafka.createTopic("test." + p + ".alerts", 2, false),
                    "influx.batch-size=700"));
            Files.write(changedConfig, changed);
            String resumed = cluster.submit("curves", 2, changedConfig, savepoint);
            awaitCounted(live, fleet.size());
            cluster.cancel(resumed);

            JobConfig c = JobConfig.load(settings(dir, p, "straight", readings, registry, straight, true), Map.of());
            LoadCurveJob.fromConfig(c).execute(FlinkSetup.environment(c));

            Map<String, String> expected = loadPoints(straight);
            assertThat(expected).hasSizeGreaterThan(METERS * 24);
            assertThat(FlinkClusterIT.difference(expected, loadPoints(live)))
                    .as("points that differ from the straight run")
                    .isEmpty();
            System.out.printf( // in the failsafe report, for the record
                    "savepoint %s of the build of %s (before %s changed MeterIntervals), restored into this build:"
                            + " %d readings (%d before, %d after), %d load points equal to the straight run%n",
                    savepoint,
                    older.builtFrom(),
                    older.changedBy(),
                    fleet.size(),
                    first.size(),
                    second.size(),
                    expected.size());
        }
    }

    /** The fleet's readings in publish order: 40 meters with registers, every minute for 6 hours. */
    private static List<Reading> fleet(String prefix, Instant start) throws Exception {
        ReadingCodec codec = new ReadingCodec();
        List<Reading> out = new ArrayList<>();
        Fleet fleet = new Fleet(prefix, METERS, 5, Duration.ofMinutes(1), ZoneOffset.UTC);
        FleetSimulation.Settings s =
                new FleetSimulation.Settings(start, Duration.ofHours(6), Duration.ofMinutes(1), 0, Duration.ZERO, 5);
        try (FleetSimulation sim =
                new FleetSimulation(fleet, s, (topic, payload) -> out.add(codec.decodeReading(payload)), null)) {
            sim.run();
        }
        return out;
    }

    private static void produce(TestKafka kafka, String topic, List<Reading> readings) throws Exception {
        ReadingCodec codec = new ReadingCodec();
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            for (Reading r : readings) {
                producer.send(
                        new ProducerRecord<>(topic, r.meterId().getBytes(StandardCharsets.UTF_8), codec.encode(r)));
            }
            producer.flush();
        }
    }

    /** Waits until the class level's closed quarters count {@code n} readings (the live job closes them when idle). */
    private static void awaitCounted(InfluxQuery db, long n) throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        long counted = 0;
        while (System.currentTimeMillis() < deadline) {
            List<Map<String, Object>> rows = db.rows(
                    "SELECT sum(\"readings\") FROM \"load\" WHERE \"level\" = 'class' AND \"interval\" = '15m'");
            counted = rows.isEmpty() ? 0 : InfluxQuery.asLong(rows.get(0).get("sum"));
            if (counted >= n) {
                break;
            }
            Thread.sleep(500);
        }
        assertThat(counted).as("readings in closed 15-minute class points").isEqualTo(n);
    }

    private static Path settings(
            Path dir, String p, String run, String readings, String registry, InfluxQuery db, boolean bounded)
            throws Exception {
        Path file = dir.resolve(run + ".properties");
        Files.write(
                file,
                List.of(
                        "kafka.bootstrap-servers=" + STACK.kafkaBootstrap(),
                        "kafka.topic.readings=" + readings,
                        "kafka.topic.registry=" + registry,
                        "kafka.topic.late=test." + p + ".late",
                        "kafka.group-id=" + p + "-" + run,
                        "kafka.start-from=earliest",
                        "job.bounded=" + bounded,
                        "job.parallelism=2",
                        // Live: a partition idle for 5 s closes the quarter of its latest reading,
                        // as a replay's end would (the bounded run closes everything at its end).
                        bounded ? "time.close-after-idle=0s" : "time.close-after-idle=5s",
                        "checkpoint.interval=2s",
                        "tariffs.enabled=false",
                        "curves.compare-shifts="));
        Files.write(file, STACK.influxSettings(db.database()), java.nio.file.StandardOpenOption.APPEND);
        return file;
    }

    /** Every load point, keyed by its tags and time, its fields as read. */
    private static Map<String, String> loadPoints(InfluxQuery db) throws Exception {
        Map<String, String> all = new TreeMap<>();
        for (Map<String, Object> row : db.rows("SELECT * FROM \"load\"")) {
            Map<String, Object> sorted = new TreeMap<>(row);
            all.put(
                    row.get("level") + "|" + row.get("id") + "|" + row.get("interval") + "|" + row.get("time"),
                    sorted.toString());
        }
        return all;
    }
}

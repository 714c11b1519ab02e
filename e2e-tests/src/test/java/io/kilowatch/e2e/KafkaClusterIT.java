package io.kilowatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.ingest.IngestConfig;
import io.kilowatch.ingest.IngestService;
import io.kilowatch.model.Topics;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestStack;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue #15 outcomes 4 and 5 (one broker of three): Kafka as a cluster of three KRaft nodes
 * (replication factor 3, min.insync.replicas 2), the bridge and the load-curve job unchanged
 * against it, and a node SIGKILLed while a fleet with registers streams through the bridge.
 * Nothing may be lost, and every meter's 15-minute readings and kWh must equal those of the
 * same fleet streamed through the suite's single broker without a fault.
 */
class KafkaClusterIT {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaClusterIT.class);
    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final int METERS = 100;
    private static final int MINUTES = 120;
    private static KafkaCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = KafkaCluster.start(STACK);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** What one run wrote: each meter's 15-minute (readings, kWh) by meter number and quarter start. */
    private record Quarters(Map<String, Long> readings, Map<String, Double> kwh) {}

    @Test
    void aNodeKilledMidStreamLosesNothingAndTheCurvesEqualAFaultFreeRun() throws Exception {
        String p = TestStack.uniquePrefix("kraft3");
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(MINUTES + 5L));

        Quarters reference = run(p + "-ref", start, STACK.kafkaBootstrap(), STACK, 0);
        // The cluster's first node is killed: the one every client was told of first, and the
        // controller the others have to replace.
        Quarters clustered = run(p + "-k3", start, cluster.bootstrap(), cluster.via(STACK, 2), 1);

        assertThat(reference.readings().values().stream()
                        .mapToLong(Long::longValue)
                        .sum())
                .as("every reading counted in a quarter")
                .isEqualTo((long) METERS * MINUTES);
        assertThat(clustered.readings()).isEqualTo(reference.readings());
        assertThat(clustered.kwh().keySet()).isEqualTo(reference.kwh().keySet());
        // To the nWh: a quarter's mean kW is a sum of doubles, in the order its readings arrived
        // over four MQTT connections, which differs between any two runs in the last bits.
        reference
                .kwh()
                .forEach((k, kwh) -> assertThat(clustered.kwh().get(k)).as(k).isCloseTo(kwh, within(1e-9)));
    }

    /**
     * Streams the fleet through a bridge on {@code bootstrap}, kills cluster node {@code kill}
     * (0: none) a third of the way, checks every reading reached kw.readings, runs the load-curve
     * job over them from {@code after} (a live node) into a database of its own and reads back
     * the meters' quarters.
     */
    private Quarters run(String fleetPrefix, Instant start, String bootstrap, TestStack after, int kill)
            throws Exception {
        TestStack before = kill == 0 ? after : cluster.via(STACK, 1);
        Map<TopicPartition, Long> from = KafkaTopics.endOffsets(before, Topics.READINGS);
        IngestConfig bridge = IngestConfig.load(
                null, STACK.bridgeEnvironment(fleetPrefix + "-bridge", "KW_KAFKA_BOOTSTRAP_SERVERS", bootstrap));
        long published;
        try (IngestService ingest = IngestService.start(bridge)) {
            CompletableFuture<Long> publishing = publish(fleetPrefix + "-M", start);
            if (kill > 0) {
                long deadline = System.currentTimeMillis() + 60_000;
                while (ingest.metrics().readingsForwarded() < METERS * MINUTES / 3
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(10);
                }
                long forwarded = ingest.metrics().readingsForwarded();
                assertThat(publishing).as("the node dies mid-stream").isNotDone();
                long killedAt = System.nanoTime();
                cluster.kill(kill);
                // How long writes wait for the cluster to move leadership off the dead node.
                while (ingest.metrics().readingsForwarded() < forwarded + 1_000
                        && System.currentTimeMillis() < deadline + 60_000) {
                    Thread.sleep(10);
                }
                LOG.info(
                        "{}: node {} killed after {} readings forwarded; 1,000 more forwarded {} ms after the kill",
                        fleetPrefix,
                        kill,
                        forwarded,
                        (System.nanoTime() - killedAt) / 1_000_000);
            }
            published = publishing.get();
            assertThat(published).isEqualTo((long) METERS * MINUTES);
            Pipeline.awaitForwarded(ingest, published);
            assertThat(ingest.metrics().deadLettered()).isZero();
        }
        Map<String, Integer> copies = KafkaTopics.readingCopies(
                after, Topics.READINGS, from, fleetPrefix + "-M", (int) published, Duration.ofMinutes(2));
        assertThat(copies).as("every published (meterId, ts) is in kw.readings").hasSize((int) published);
        LOG.info(
                "{}: {} published, {} distinct (meterId, ts) in kw.readings, {} duplicate copies",
                fleetPrefix,
                published,
                copies.size(),
                copies.values().stream().mapToInt(n -> n - 1).sum());

        try (InfluxQuery db = InfluxQuery.scratch(STACK.influxUrl(), "kraft3_" + Math.abs(fleetPrefix.hashCode()))) {
            TestStack jobStack = new TestStack(after.mqttPort(), after.kafkaPort(), after.influxPort(), db.database());
            Pipeline.runLoadCurveJob(jobStack, from, Map.of());
            Map<String, Long> readings = new HashMap<>();
            Map<String, Double> kwh = new HashMap<>();
            for (Map<String, Object> row : db.rows("SELECT \"readings\", \"kwh\", \"id\" FROM \"load\" WHERE"
                    + " \"level\" = 'meter' AND \"interval\" = '15m'")) {
                String id = (String) row.get("id");
                if (!id.startsWith(fleetPrefix + "-M")) {
                    continue;
                }
                String key = id.substring(fleetPrefix.length()) + "@" + row.get("time");
                readings.put(key, InfluxQuery.asLong(row.get("readings")));
                kwh.put(key, InfluxQuery.asDouble(row.get("kwh")));
            }
            return new Quarters(readings, kwh);
        }
    }

    /** The fleet's minutes before now (registers included), at 240× over four connections, in the background. */
    private static CompletableFuture<Long> publish(String meterPrefix, Instant start) throws Exception {
        return Pipeline.publishInBackground(STACK, meterPrefix, METERS, start, MINUTES, 240);
    }
}

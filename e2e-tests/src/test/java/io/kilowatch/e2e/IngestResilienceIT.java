package io.kilowatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.ingest.IngestConfig;
import io.kilowatch.ingest.IngestService;
import io.kilowatch.model.Topics;
import io.kilowatch.model.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue #3, "loses nothing": the bridge killed with SIGKILL mid-stream, and Kafka stopped for
 * 30 s mid-stream. Afterwards every published (meterId, ts) must be in kw.readings; duplicates
 * are allowed (at-least-once) and reported.
 */
class IngestResilienceIT {
    private static final Logger LOG = LoggerFactory.getLogger(IngestResilienceIT.class);
    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final Path LOGS = Path.of("target", "bridge-logs");

    /** Publishes {@code meters × periods} readings of minutes before now in the background. */
    private static CompletableFuture<Long> publish(String p, int meters, int periods, double speed) throws Exception {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(periods + 5L));
        return Pipeline.publishInBackground(STACK, p + "-M", meters, start, periods, speed);
    }

    private static void assertNothingMissing(String p, Map<TopicPartition, Long> from, long published)
            throws Exception {
        Map<String, Integer> copies = KafkaTopics.readingCopies(
                STACK, Topics.READINGS, from, p + "-M", (int) published, Duration.ofMinutes(3));
        long duplicates = copies.values().stream().mapToLong(n -> n - 1).sum();
        LOG.info(
                "{}: {} published, {} distinct (meterId, ts) in Kafka, {} duplicate copies",
                p,
                published,
                copies.size(),
                duplicates);
        assertThat(copies).as("every published (meterId, ts) is in kw.readings").hasSize((int) published);
    }

    @Test
    void bridgeKilledWithSigkillMidStreamLosesNothing() throws Exception {
        String p = TestStack.uniquePrefix("crash");
        Files.createDirectories(LOGS);
        Map<TopicPartition, Long> from = KafkaTopics.endOffsets(STACK, Topics.READINGS);
        BridgeProcess bridge = new BridgeProcess(STACK, p + "-bridge", LOGS, Map.of()).start();
        try {
            CompletableFuture<Long> publishing = publish(p, 500, 200, 480); // 100,000 readings at ~4,000/s
            long deadline = System.currentTimeMillis() + 120_000;
            while (bridge.metric("kilowatch_ingest_readings_forwarded_total") < 30_000
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            long forwardedBeforeKill = bridge.metric("kilowatch_ingest_readings_forwarded_total");
            assertThat(forwardedBeforeKill).as("the bridge dies mid-stream").isBetween(30_000L, 99_999L);
            boolean stillPublishing = !publishing.isDone();
            bridge.kill();
            LOG.info(
                    "{}: killed after {} forwarded, devices still publishing: {}",
                    p,
                    forwardedBeforeKill,
                    stillPublishing);
            Thread.sleep(2_000);
            bridge.start(); // same client id: resumes the persistent session the broker kept
            long published = publishing.get();
            assertThat(published).isEqualTo(100_000);
            assertNothingMissing(p, from, published);
        } finally {
            bridge.close();
        }
    }

    /**
     * Kafka away for 75 s, longer than the producer's default 60 s wait for metadata and than the
     * MQTT keep-alive: the bridge's callback waits for Kafka, its MQTT connection times out, and
     * the devices finish publishing while it is away, so everything left waits in the broker's
     * session. Before the bridge owned its reconnects, Paho's automatic reconnect and a resync sent
     * two CONNECTs on one socket, Mosquitto discarded the session, and 8,554 of 29,960 readings
     * were lost (seen in ChaosIT with a 70 s Kafka outage).
     */
    @Test
    void kafkaStoppedLongerThanTheMqttKeepAliveMidStreamLosesNothingAndTheBridgeSaysSo() throws Exception {
        String p = TestStack.uniquePrefix("outage");
        Map<TopicPartition, Long> from = KafkaTopics.endOffsets(STACK, Topics.READINGS);
        IngestConfig config =
                IngestConfig.load(null, STACK.bridgeEnvironment(p + "-bridge", "KW_KAFKA_UNHEALTHY_AFTER", "5s"));
        try (IngestService bridge = IngestService.start(config)) {
            CompletableFuture<Long> publishing = publish(p, 200, 120, 110); // 24,000 readings over ~65 s
            AtomicBoolean sawUnready = new AtomicBoolean();
            AtomicLong maxInFlight = new AtomicLong();
            AtomicBoolean sampling = new AtomicBoolean(true);
            Thread sampler = new Thread(() -> {
                while (sampling.get()) {
                    if (!bridge.isReady()) {
                        sawUnready.set(true);
                    }
                    maxInFlight.accumulateAndGet(bridge.metrics().inFlight(), Math::max);
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();

            Thread.sleep(8_000);
            assertThat(bridge.isReady()).isTrue();
            KafkaBroker.stop();
            LOG.info("{}: Kafka stopped", p);
            Thread.sleep(10_000);
            long ackedEarly = bridge.metrics().messagesAcked();
            Thread.sleep(65_000);
            assertThat(bridge.metrics().messagesAcked())
                    .as("no acknowledgements while Kafka is away")
                    .isEqualTo(ackedEarly);
            assertThat(bridge.isReady()).as("unhealthy while Kafka is away").isFalse();
            KafkaBroker.start();
            LOG.info("{}: Kafka back after ~75 s", p);

            long published = publishing.get();
            long deadline = System.currentTimeMillis() + 120_000;
            while (!bridge.isReady() && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            sampling.set(false);
            sampler.join();
            assertThat(bridge.isReady()).as("ready again by itself").isTrue();
            assertThat(sawUnready).isTrue();
            assertThat(maxInFlight.get())
                    .as("in flight bounded by mqtt.receive-maximum")
                    .isLessThanOrEqualTo(config.mqttReceiveMaximum());
            assertNothingMissing(p, from, published);
        }
    }

    @Test
    void twoBridgesShareTheLoadAndKillingOneLosesNothing() throws Exception {
        String p = TestStack.uniquePrefix("shared");
        Files.createDirectories(LOGS);
        Map<TopicPartition, Long> from = KafkaTopics.endOffsets(STACK, Topics.READINGS);
        Map<String, String> group = Map.of("KW_MQTT_SHARED_GROUP", p);
        BridgeProcess a = new BridgeProcess(STACK, p + "-a", LOGS, group).start();
        BridgeProcess b = new BridgeProcess(STACK, p + "-b", LOGS, group).start();
        try {
            CompletableFuture<Long> publishing = publish(p, 300, 200, 480); // 60,000 readings at ~2,400/s
            long deadline = System.currentTimeMillis() + 120_000;
            while (a.metric("kilowatch_ingest_readings_forwarded_total")
                                    + b.metric("kilowatch_ingest_readings_forwarded_total")
                            < 20_000
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            long aBefore = a.metric("kilowatch_ingest_readings_forwarded_total");
            long bBefore = b.metric("kilowatch_ingest_readings_forwarded_total");
            LOG.info("{}: before the kill a forwarded {}, b forwarded {}", p, aBefore, bBefore);
            assertThat(aBefore).as("both instances receive traffic").isPositive();
            assertThat(bBefore).as("both instances receive traffic").isPositive();
            a.kill();
            Thread.sleep(3_000);
            a.start(); // a supervisor restarts it; its session's unacknowledged messages come back to it
            long published = publishing.get();
            assertThat(published).isEqualTo(60_000);
            assertNothingMissing(p, from, published);
            LOG.info(
                    "{}: after the restart a forwarded {}, b forwarded {}",
                    p,
                    a.metric("kilowatch_ingest_readings_forwarded_total"),
                    b.metric("kilowatch_ingest_readings_forwarded_total"));
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void kafkaAwayLongerThanTheDeliveryTimeoutLosesNothing() throws Exception {
        String p = TestStack.uniquePrefix("resync");
        Map<TopicPartition, Long> from = KafkaTopics.endOffsets(STACK, Topics.READINGS);
        // Delivery timeout 8 s instead of 10 min against a 20 s outage. If the producer gives up on
        // records the bridge resyncs its session; if it holds them, they go through late. Either
        // way nothing may be missing. Seen both ways on this machine; the resync path once lost
        // 7,999 of 9,000 here to a deferral race, now fixed (MqttKafkaBridge#resync).
        Path file = Files.createTempFile("ingest-resync", ".properties");
        Files.writeString(file, "kafka.client.request.timeout.ms=2000\nkafka.delivery-timeout=8s\n");
        IngestConfig config = IngestConfig.load(file, STACK.bridgeEnvironment(p + "-bridge"));
        try (IngestService bridge = IngestService.start(config)) {
            CompletableFuture<Long> publishing = publish(p, 100, 90, 120); // 9,000 readings over ~45 s
            Thread.sleep(5_000);
            KafkaBroker.stop();
            Thread.sleep(20_000);
            KafkaBroker.start();
            long published = publishing.get();
            long deadline = System.currentTimeMillis() + 120_000;
            while (!bridge.isReady() && System.currentTimeMillis() < deadline) {
                Thread.sleep(200);
            }
            LOG.info(
                    "{}: Kafka send failures {}, resyncs {}",
                    p,
                    bridge.metrics().kafkaSendFailures(),
                    bridge.metrics().resyncs());
            assertThat(bridge.isReady()).as("ready again by itself").isTrue();
            if (bridge.metrics().kafkaSendFailures() > 0) {
                assertThat(bridge.metrics().resyncs())
                        .as("records Kafka gave up on are fetched again by a resync")
                        .isPositive();
            }
            assertNothingMissing(p, from, published);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

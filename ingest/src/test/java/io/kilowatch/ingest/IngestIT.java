package io.kilowatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.ConcentratorBatch;
import io.kilowatch.model.DeadLetterHeaders;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.Topics;
import io.kilowatch.model.intake.Routed;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/** The thin ingest path against the real Mosquitto and Kafka of scripts/stack.sh. */
class IngestIT {
    private static final TestStack STACK = TestStack.fromEnvironment();
    private final ReadingCodec codec = new ReadingCodec();

    @Test
    void forwardsGoodReadingsAndDeadLettersBadOnesWithReasons() throws Exception {
        String p = TestStack.uniquePrefix("ingest");
        Map<TopicPartition, Long> readingsStart = endOffsets(Topics.READINGS);
        Map<TopicPartition, Long> dlqStart = endOffsets(Topics.READINGS_DLQ);
        IngestConfig config = IngestConfig.load(null, STACK.bridgeEnvironment(p + "-bridge"));

        MqttClient device = connect(p + "-device");
        try (IngestService ingest = IngestService.start(config)) {
            long now = System.currentTimeMillis() - 60_000;
            Reading good = Reading.of(p + "-m1", now, 1.25).withImportKwh(10.5);
            device.publish(Topics.meterReadingTopic(good.meterId()), codec.encode(good), 1, false);
            device.publish(Topics.meterReadingTopic(p + "-m1"), codec.encode(Reading.of(p + "-m2", now, 1)), 1, false);
            device.publish(Topics.meterReadingTopic(p + "-m1"), "not json".getBytes(StandardCharsets.UTF_8), 1, false);
            ConcentratorBatch batch = new ConcentratorBatch(
                    p + "-c1", List.of(Reading.of(p + "-m3", now, 3), Reading.of(p + "-m4", now, 4)));
            String batchJson =
                    new String(codec.encode(batch), StandardCharsets.UTF_8).replace("\"kw\":4.0", "\"kw\":\"four\"");
            device.publish(
                    Topics.concentratorBatchTopic(p + "-c1"), batchJson.getBytes(StandardCharsets.UTF_8), 1, false);
            // A concentrator speaking as another (the body names c2 on c1's topic): dead-lettered whole.
            device.publish(
                    Topics.concentratorBatchTopic(p + "-c1"),
                    codec.encode(new ConcentratorBatch(p + "-c2", List.of(Reading.of(p + "-m5", now, 5)))),
                    1,
                    false);

            List<ConsumerRecord<byte[], byte[]>> readings = consumeUntil(Topics.READINGS, readingsStart, p, 2);
            List<ConsumerRecord<byte[], byte[]>> dead = consumeUntil(Topics.READINGS_DLQ, dlqStart, p, 4);

            assertThat(readings)
                    .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
                    .containsExactlyInAnyOrder(p + "-m1", p + "-m3");
            Reading forwarded = readings.stream()
                    .filter(r -> new String(r.key(), StandardCharsets.UTF_8).equals(p + "-m1"))
                    .map(r -> decode(r.value()))
                    .findFirst()
                    .orElseThrow();
            assertThat(forwarded).isEqualTo(good);

            assertThat(dead)
                    .extracting(r -> header(r, DeadLetterHeaders.REASON))
                    .containsExactlyInAnyOrder("METER_MISMATCH", "NOT_JSON", "WRONG_TYPE", "CONCENTRATOR_MISMATCH");
            ConsumerRecord<byte[], byte[]> garbage = dead.stream()
                    .filter(r -> header(r, DeadLetterHeaders.REASON).equals("NOT_JSON"))
                    .findFirst()
                    .orElseThrow();
            assertThat(new String(garbage.value(), StandardCharsets.UTF_8)).isEqualTo("not json");
            assertThat(new String(garbage.key(), StandardCharsets.UTF_8))
                    .isEqualTo(Topics.meterReadingTopic(p + "-m1"));
            ConsumerRecord<byte[], byte[]> inBatch = dead.stream()
                    .filter(r -> header(r, DeadLetterHeaders.REASON).equals("WRONG_TYPE"))
                    .findFirst()
                    .orElseThrow();
            assertThat(header(inBatch, DeadLetterHeaders.BATCH_INDEX)).isEqualTo("1");

            // Counts reconcile: 6 readings sent = 2 forwarded + 4 dead-lettered
            // (the hostile batch as one), 5 messages acknowledged.
            awaitAcked(ingest, 5);
            assertThat(ingest.metrics().readingsForwarded()).isEqualTo(2);
            assertThat(ingest.metrics().deadLettered()).isEqualTo(4);
            assertThat(ingest.metrics().inFlight()).isZero();
            assertThat(ingest.isReady()).isTrue();
        } finally {
            device.disconnect();
            device.close();
        }
    }

    /**
     * The attack of issue #15 and its fix: concentrator c1 may speak for the meters the registry
     * says it reads, and for no other; a reading of another concentrator's meter, or of a meter no
     * concentrator reads, is dead-lettered on its own while the batch's other readings go through;
     * a meter moved to c1 in the registry is accepted from c1 (and refused from c2) while ingest runs.
     */
    @Test
    void aConcentratorSpeaksOnlyForItsOwnMetersAndAMeterMovedInTheRegistryFollowsWhileRunning() throws Exception {
        String p = TestStack.uniquePrefix("ingest-served");
        TestKafka kafka = new TestKafka(STACK);
        String registryTopic = kafka.createTopic("test." + p + ".registry", 1, true);
        Map<TopicPartition, Long> readingsStart = kafka.endOffsets(Topics.READINGS);
        Map<TopicPartition, Long> dlqStart = kafka.endOffsets(Topics.READINGS_DLQ);
        IngestConfig config = IngestConfig.load(
                null, STACK.bridgeEnvironment(p + "-bridge", "KW_KAFKA_TOPIC_REGISTRY", registryTopic));
        String c1 = p + "-c1";
        String c2 = p + "-c2";
        RegistryLoader.load(config, List.of(served(p + "-m1", c1), served(p + "-m2", c2)), List.of());

        MqttClient device = connect(p + "-device");
        try (IngestService ingest = IngestService.start(config)) {
            long now = System.currentTimeMillis() - 60_000;
            device.publish(
                    Topics.concentratorBatchTopic(c1),
                    codec.encode(new ConcentratorBatch(
                            c1,
                            List.of(
                                    Reading.of(p + "-m1", now, 1),
                                    Reading.of(p + "-m2", now, 2),
                                    Reading.of(p + "-m3", now, 3)))),
                    1,
                    false);
            awaitAcked(ingest, 1);

            // m2 moves from c2 to c1 while ingest runs.
            RegistryLoader.load(config, List.of(served(p + "-m2", c1)), List.of());
            long deadline = System.currentTimeMillis() + 10_000;
            while (ingest.metrics().registryRecords() < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(ingest.metrics().registryRecords()).isEqualTo(3);
            device.publish(
                    Topics.concentratorBatchTopic(c1),
                    codec.encode(new ConcentratorBatch(c1, List.of(Reading.of(p + "-m2", now + 60_000, 2.5)))),
                    1,
                    false);
            device.publish(
                    Topics.concentratorBatchTopic(c2),
                    codec.encode(new ConcentratorBatch(c2, List.of(Reading.of(p + "-m2", now + 120_000, 9)))),
                    1,
                    false);

            List<ConsumerRecord<byte[], byte[]>> readings = consumeUntil(Topics.READINGS, readingsStart, p, 2);
            List<ConsumerRecord<byte[], byte[]>> dead = consumeUntil(Topics.READINGS_DLQ, dlqStart, p, 3);
            assertThat(readings)
                    .extracting(r -> decode(r.value()))
                    .containsExactlyInAnyOrder(Reading.of(p + "-m1", now, 1), Reading.of(p + "-m2", now + 60_000, 2.5));
            assertThat(dead)
                    .allSatisfy(
                            r -> assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("NOT_SERVED"));
            assertThat(dead)
                    .extracting(r -> header(r, DeadLetterHeaders.DETAIL))
                    .containsExactlyInAnyOrder(
                            "meter '" + p + "-m2' is read by concentrator '" + c2 + "', not '" + c1 + "'",
                            "the registry names no concentrator for meter '" + p + "-m3', so concentrator '" + c1
                                    + "' may not speak for it",
                            "meter '" + p + "-m2' is read by concentrator '" + c1 + "', not '" + c2 + "'");
            assertThat(dead)
                    .filteredOn(r -> header(r, DeadLetterHeaders.DETAIL).contains("-m3'"))
                    .singleElement()
                    .satisfies(r ->
                            assertThat(header(r, DeadLetterHeaders.BATCH_INDEX)).isEqualTo("2"));

            // Counts reconcile: 5 readings sent = 2 forwarded + 3 dead-lettered; 3 messages acknowledged.
            awaitAcked(ingest, 3);
            assertThat(ingest.metrics().readingsForwarded()).isEqualTo(2);
            assertThat(ingest.metrics().deadLettered()).isEqualTo(3);
            String metrics = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.httpPort() + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            assertThat(metrics)
                    .contains("kilowatch_ingest_concentrator_served_meters 2\n")
                    .contains("kilowatch_ingest_registry_loaded 1\n")
                    .contains("kilowatch_ingest_dead_lettered_total{reason=\"NOT_SERVED\"} 3\n");
        } finally {
            device.disconnect();
            device.close();
        }
    }

    private static io.kilowatch.model.RegistryEntry served(String meter, String concentrator) {
        return new io.kilowatch.model.RegistryEntry(
                        meter, "c-" + meter, "residential", "T1", "F1", "R1", "zj-res-tier", 8, 400, 230, 1)
                .withConcentrator(concentrator);
    }

    @Test
    void garbageJustUnderThePayloadLimitIsDeadLetteredAndAcknowledged() throws Exception {
        String p = TestStack.uniquePrefix("ingest-big");
        Map<TopicPartition, Long> dlqStart = endOffsets(Topics.READINGS_DLQ);
        IngestConfig config = IngestConfig.load(null, STACK.bridgeEnvironment(p + "-bridge"));
        MqttClient device = connect(p + "-device");
        try (IngestService ingest = IngestService.start(config)) {
            byte[] big =
                    new byte[1_048_000]; // under the 1 MiB payload limit; whole, its dead letter would not fit in Kafka
            java.util.Arrays.fill(big, (byte) 'x');
            device.publish(Topics.meterReadingTopic(p + "-m1"), big, 1, false);
            awaitAcked(ingest, 1);
            List<ConsumerRecord<byte[], byte[]>> dead = consumeUntil(Topics.READINGS_DLQ, dlqStart, p, 1);
            assertThat(dead).singleElement().satisfies(r -> {
                assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("NOT_JSON");
                assertThat(r.value()).hasSize(Routed.SAMPLE_BYTES);
            });
            assertThat(ingest.metrics().inFlight()).isZero();
        } finally {
            device.disconnect();
            device.close();
        }
    }

    @Test
    void metricsEndpointSpeaksPrometheus() throws Exception {
        String p = TestStack.uniquePrefix("ingest-http");
        IngestConfig config = IngestConfig.load(null, STACK.bridgeEnvironment(p));
        try (IngestService ingest = IngestService.start(config)) {
            String base = "http://127.0.0.1:" + ingest.httpPort();
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> metrics = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("kilowatch_ingest_dead_lettered_total{reason=\"METER_MISMATCH\"} 0");
            HttpResponse<String> ready = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(200);
        }
    }

    private Reading decode(byte[] value) {
        try {
            return codec.decodeReading(value);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void awaitAcked(IngestService ingest, long n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (ingest.metrics().messagesAcked() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ingest.metrics().messagesAcked()).isEqualTo(n);
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static MqttClient connect(String clientId) throws Exception {
        MqttClient c = new MqttClient(STACK.mqttUrl(), clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        // A head-end: the broker lets it publish for any meter, so what is refused here is ingest's doing.
        o.setUserName(io.kilowatch.model.BrokerAccounts.FLEET);
        o.setPassword(STACK.fleetPassword().getBytes(StandardCharsets.UTF_8));
        c.connect(o);
        return c;
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        return new TestKafka(STACK).consumer();
    }

    private static Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            return c.endOffsets(parts);
        }
    }

    /** Records from {@code start} on whose key or value mentions this test's prefix, until {@code n} are seen. */
    private static List<ConsumerRecord<byte[], byte[]>> consumeUntil(
            String topic, Map<TopicPartition, Long> start, String prefix, int n) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            c.assign(start.keySet());
            start.forEach(c::seek);
            long deadline = System.currentTimeMillis() + 20_000;
            while (out.size() < n && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (key.contains(prefix) || new String(r.value(), StandardCharsets.UTF_8).contains(prefix)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }
}

package io.kilowatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.ingest.IngestConfig;
import io.kilowatch.ingest.IngestService;
import io.kilowatch.model.ConcentratorBatch;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.Topics;
import io.kilowatch.model.intake.ReadingRouter;
import io.kilowatch.model.intake.Routed;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import io.kilowatch.sim.mqtt.MqttPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue #3, fuzzing: 10,000 random and mutated payloads through the real broker. The bridge
 * must keep running and account for every one: its own topics must end up holding exactly one
 * record per single-reading payload and per batch element (or one per broken batch).
 */
class IngestFuzzIT {
    private static final Logger LOG = LoggerFactory.getLogger(IngestFuzzIT.class);
    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final int PAYLOADS = 10_000;
    private final ReadingCodec codec = new ReadingCodec();

    @Test
    void tenThousandHostilePayloadsAreAllAccountedForAndTheBridgeKeepsRunning() throws Exception {
        String p = TestStack.uniquePrefix("fuzz");
        String readingsTopic = "fuzz." + p + ".readings";
        String dlqTopic = "fuzz." + p + ".dlq";
        createTopics(readingsTopic, dlqTopic);
        IngestConfig config = IngestConfig.load(
                null,
                STACK.bridgeEnvironment(
                        p + "-bridge", "KW_KAFKA_TOPIC_READINGS", readingsTopic, "KW_KAFKA_TOPIC_DLQ", dlqTopic));
        // Counting oracle: how many records a payload makes does not depend on validation
        // verdicts, only on its size and on whether a batch envelope parses.
        ReadingRouter counter = new ReadingRouter(codec, config.maxPayloadBytes(), config.rules());

        SplittableRandom rnd = new SplittableRandom(20261123);
        long expectedRecords = 0;
        Map<String, Integer> kinds = new HashMap<>();
        try (IngestService bridge = IngestService.start(config);
                MqttPublisher mqtt = new MqttPublisher(Pipeline.headEnd(STACK), p + "-fuzzer", 2)) {
            for (int i = 0; i < PAYLOADS; i++) {
                int kind = rnd.nextInt(11);
                String meter = p + "-m" + rnd.nextInt(50);
                String topic = kind >= 7 && kind <= 8
                        ? Topics.concentratorBatchTopic(p + "-c" + rnd.nextInt(5))
                        : Topics.meterReadingTopic(meter);
                byte[] payload = payload(kind, meter, rnd);
                Routed counted = counter.route(topic, payload);
                expectedRecords +=
                        counted.accepted().size() + counted.rejected().size();
                kinds.merge("kind" + kind, 1, Integer::sum);
                mqtt.publish(topic, payload);
            }
            assertThat(mqtt.awaitAllAcknowledged(Duration.ofSeconds(120))).isTrue();
            long deadline = System.currentTimeMillis() + 120_000;
            while (bridge.metrics().messagesAcked() < PAYLOADS && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            LOG.info(
                    "{}: payload kinds {}, expected records {}, forwarded {}, dead-lettered {}",
                    p,
                    kinds,
                    expectedRecords,
                    bridge.metrics().readingsForwarded(),
                    bridge.metrics().deadLettered());
            assertThat(bridge.metrics().messagesReceived()).isEqualTo(PAYLOADS);
            assertThat(bridge.metrics().messagesAcked()).isEqualTo(PAYLOADS);
            assertThat(bridge.metrics().readingsForwarded() + bridge.metrics().deadLettered())
                    .isEqualTo(expectedRecords);
            assertThat(bridge.metrics().readingsForwarded())
                    .as("some fuzz is valid")
                    .isPositive();
            assertThat(bridge.metrics().deadLettered()).as("most fuzz is not").isGreaterThan(PAYLOADS / 2);
            assertThat(sumOfEndOffsets(readingsTopic) + sumOfEndOffsets(dlqTopic))
                    .as("records in Kafka")
                    .isEqualTo(expectedRecords);

            // Still alive and still right: a valid reading after all that goes through.
            long before = bridge.metrics().readingsForwarded();
            mqtt.publish(
                    Topics.meterReadingTopic(p + "-canary"),
                    codec.encode(Reading.of(p + "-canary", System.currentTimeMillis(), 1)));
            deadline = System.currentTimeMillis() + 10_000;
            while (bridge.metrics().readingsForwarded() == before && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(bridge.metrics().readingsForwarded()).isEqualTo(before + 1);
            assertThat(bridge.isReady()).isTrue();
        }
    }

    private byte[] payload(int kind, String meter, SplittableRandom rnd) {
        byte[] valid = codec.encode(reading(meter, rnd));
        return switch (kind) {
            case 0 -> valid;
            case 1 -> flipBytes(valid, 1 + rnd.nextInt(3), rnd);
            case 2 -> Arrays.copyOf(valid, rnd.nextInt(valid.length));
            case 3 -> nested(rnd.nextInt(2) == 0 ? "[" : "{\"a\":", 1 + rnd.nextInt(5_000));
            case 4 -> hugeString(meter, rnd);
            case 5 -> wrongType(valid, rnd);
            case 6 -> randomBytes(rnd.nextInt(2_000), rnd);
            case 7 -> batch(meter, rnd);
            case 8 -> flipBytes(batch(meter, rnd), 1 + rnd.nextInt(4), rnd);
            case 9 -> codec.encode(reading(meter + "-other", rnd)); // speaks for another meter
            default -> new byte[0];
        };
    }

    private static Reading reading(String meter, SplittableRandom rnd) {
        long now = System.currentTimeMillis();
        long ts = switch (rnd.nextInt(10)) {
            case 0 -> now + 3_600_000L; // from the future
            case 1 -> now - 30L * 86_400_000L; // beyond the horizon
            default -> now - rnd.nextInt(3_600_000);
        };
        double kw = rnd.nextInt(20) == 0 ? -1e9 : rnd.nextDouble() * 50;
        return new Reading(
                meter,
                ts,
                kw,
                rnd.nextDouble() * 1e5,
                null,
                null,
                new double[] {225 + rnd.nextDouble() * 10},
                null,
                rnd.nextInt(20) == 0 ? 1.5 : 0.95);
    }

    private byte[] batch(String meter, SplittableRandom rnd) {
        List<Reading> readings = new ArrayList<>();
        int n = rnd.nextInt(60);
        for (int i = 0; i < n; i++) {
            readings.add(reading(meter + "-" + i, rnd));
        }
        String json = new String(codec.encode(new ConcentratorBatch("c", readings)), StandardCharsets.UTF_8);
        if (n > 0 && rnd.nextBoolean()) {
            json = json.replaceFirst("\"kw\":[^,}]*", "\"kw\":\"broken\"");
        }
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] flipBytes(byte[] in, int flips, SplittableRandom rnd) {
        byte[] out = in.clone();
        for (int i = 0; i < flips && out.length > 0; i++) {
            out[rnd.nextInt(out.length)] = (byte) rnd.nextInt(256);
        }
        return out;
    }

    private static byte[] nested(String open, int depth) {
        return open.repeat(depth).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hugeString(String meter, SplittableRandom rnd) {
        int size = rnd.nextInt(4) == 0 ? 1_200_000 + rnd.nextInt(800_000) : 1_000 + rnd.nextInt(200_000);
        String big = "x".repeat(size);
        String json = rnd.nextBoolean()
                ? "{\"meterId\":\"" + big + "\",\"ts\":1,\"kw\":1}"
                : "{\"meterId\":\"" + meter + "\",\"ts\":" + System.currentTimeMillis() + ",\"kw\":1,\"note\":\"" + big
                        + "\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] wrongType(byte[] valid, SplittableRandom rnd) {
        String[] replacements = {
            "\"kw\":\"12\"", "\"kw\":[1]", "\"kw\":{}", "\"kw\":true", "\"kw\":null", "\"kw\":1e999"
        };
        String json = new String(valid, StandardCharsets.UTF_8);
        return json.replaceFirst("\"kw\":[^,}]*", replacements[rnd.nextInt(replacements.length)])
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(int n, SplittableRandom rnd) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) rnd.nextInt(256);
        }
        return b;
    }

    private static void createTopics(String... names) throws Exception {
        new TestKafka(STACK).createTopics(2, names);
    }

    private static long sumOfEndOffsets(String topic) {
        return KafkaTopics.endOffsets(STACK, topic).values().stream()
                .mapToLong(Long::longValue)
                .sum();
    }
}

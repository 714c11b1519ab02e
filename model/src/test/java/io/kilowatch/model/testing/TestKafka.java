package io.kilowatch.model.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The test stack's Kafka for integration tests: topics of their own, and what a topic holds,
 * read from its beginning. One place instead of an admin and a consumer in every test.
 */
public final class TestKafka {
    private final String bootstrap;

    public TestKafka(TestStack stack) {
        this.bootstrap = stack.kafkaBootstrap();
    }

    /** A record as read back: key and value as text (value null for a tombstone). */
    public record Record(String key, byte[] value, long timestamp) {
        public String valueText() {
            return value == null ? null : new String(value, StandardCharsets.UTF_8);
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    /** Creates {@code topic} with {@code partitions}; compacted when asked (reference data). */
    public String createTopic(String topic, int partitions, boolean compacted) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            NewTopic t = new NewTopic(topic, partitions, (short) 1);
            if (compacted) {
                t.configs(Map.of("cleanup.policy", "compact"));
            }
            admin.createTopics(List.of(t)).all().get();
        }
        return topic;
    }

    /** Every record of {@code topic} from its beginning, waiting up to {@code timeout} for at least {@code expected} of them. */
    public List<Record> readAll(String topic, int expected, Duration timeout) {
        List<Record> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (out.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    out.add(new Record(
                            r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
                            r.value(),
                            r.timestamp()));
                }
            }
        }
        return out;
    }
}

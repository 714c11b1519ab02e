package io.kilowatch.model.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The test stack's Kafka for integration tests: topics of their own, the clients a test needs
 * (admin, a byte-array producer that waits for every replica, byte-array consumers), end offsets
 * and committed offsets, and what a topic holds, read from its beginning. One place instead of an
 * admin, a producer and a consumer in every test.
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
        NewTopic t = new NewTopic(topic, partitions, (short) 1);
        if (compacted) {
            t.configs(Map.of("cleanup.policy", "compact"));
        }
        createTopics(t);
        return topic;
    }

    /** Creates every topic named, each with {@code partitions}. */
    public void createTopics(int partitions, String... topics) throws Exception {
        createTopics(Arrays.stream(topics)
                .map(n -> new NewTopic(n, partitions, (short) 1))
                .toArray(NewTopic[]::new));
    }

    public void createTopics(NewTopic... topics) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(topics)).all().get();
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** Keys and values as bytes, {@code acks=all}: a send that returned is in the topic. */
    public KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    /** A consumer without a group, for {@code assign} and {@code seek}: reads what a test asks, commits nothing. */
    public KafkaConsumer<byte[], byte[]> consumer() {
        return isolated(false);
    }

    /** A consumer of {@code group}, from the earliest offset when the group has none. */
    public KafkaConsumer<byte[], byte[]> consumer(String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                group,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class));
    }

    /** Each partition's end offset now: where a test's own records will start. */
    public Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            return c.endOffsets(parts);
        }
    }

    /** Commits {@code offsets} for {@code group}, as a consumer that had read to there would. */
    public void commit(String group, Map<TopicPartition, Long> offsets) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(group)) {
            Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
            offsets.forEach((tp, o) -> commit.put(tp, new OffsetAndMetadata(o)));
            c.commitSync(commit);
        }
    }

    /**
     * Every record of {@code topic} from its beginning to its end now. {@code committedOnly}: as a
     * read-committed consumer (the outbound relay) sees it — records of aborted transactions left
     * out, and the end is the last stable offset; otherwise every record written, aborted or not.
     */
    public List<ConsumerRecord<byte[], byte[]>> readToEnd(String topic, boolean committedOnly) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = isolated(committedOnly)) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            // Positions, not counts: transaction markers take offsets too.
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * Offsets of {@code topic} written but not yet committed or aborted: the high watermark less
     * the last stable offset, summed over its partitions (0 when no transaction is open).
     */
    public long uncommitted(String topic) {
        long sum = 0;
        try (KafkaConsumer<byte[], byte[]> all = isolated(false);
                KafkaConsumer<byte[], byte[]> stable = isolated(true)) {
            List<TopicPartition> parts = all.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            Map<TopicPartition, Long> high = all.endOffsets(parts);
            Map<TopicPartition, Long> lso = stable.endOffsets(parts);
            for (TopicPartition tp : parts) {
                sum += high.get(tp) - lso.get(tp);
            }
        }
        return sum;
    }

    /** As {@link #consumer()}; {@code committedOnly}: {@code read_committed}, else Kafka's default, {@code read_uncommitted}. */
    private KafkaConsumer<byte[], byte[]> isolated(boolean committedOnly) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                committedOnly ? "read_committed" : "read_uncommitted"));
    }

    /** Every record of {@code topic} from its beginning, waiting up to {@code timeout} for at least {@code expected} of them. */
    public List<Record> readAll(String topic, int expected, Duration timeout) {
        List<Record> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer()) {
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

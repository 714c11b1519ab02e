package io.kilowatch.e2e;

import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reading Kafka topics of the shared test stack from known offsets, so tests ignore each other's records. */
final class KafkaTopics {
    private KafkaTopics() {}

    static KafkaConsumer<byte[], byte[]> consumer(TestStack stack) {
        return new TestKafka(stack).consumer();
    }

    static Map<TopicPartition, Long> endOffsets(TestStack stack, String topic) {
        return new TestKafka(stack).endOffsets(topic);
    }

    /**
     * How often each (meterId, ts) whose meter starts with {@code prefix} is in {@code topic}
     * after {@code from}, reading until {@code expectedDistinct} distinct ones are seen and the
     * end is reached, or {@code timeout} passes.
     */
    static Map<String, Integer> readingCopies(
            TestStack stack,
            String topic,
            Map<TopicPartition, Long> from,
            String prefix,
            int expectedDistinct,
            Duration timeout)
            throws Exception {
        io.kilowatch.model.ReadingCodec codec = new io.kilowatch.model.ReadingCodec();
        Map<String, Integer> copies = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack)) {
            c.assign(from.keySet());
            from.forEach(c::seek);
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix)) {
                        io.kilowatch.model.Reading reading = codec.decodeReading(r.value());
                        copies.merge(reading.meterId() + "@" + reading.ts(), 1, Integer::sum);
                    }
                }
                if (copies.size() >= expectedDistinct) {
                    Map<TopicPartition, Long> end = c.endOffsets(from.keySet());
                    if (from.keySet().stream().allMatch(tp -> c.position(tp) >= end.get(tp))) {
                        break;
                    }
                }
            }
        }
        return copies;
    }

    /** Records from {@code from} up to the current end whose key starts with {@code prefix}. */
    static long countKeysWithPrefix(TestStack stack, String topic, Map<TopicPartition, Long> from, String prefix) {
        return keyedWithPrefix(stack, topic, from, prefix).size();
    }

    /** The records from {@code from} up to the current end whose key starts with {@code prefix}, in the order read. */
    static List<ConsumerRecord<byte[], byte[]>> keyedWithPrefix(
            TestStack stack, String topic, Map<TopicPartition, Long> from, String prefix) {
        List<ConsumerRecord<byte[], byte[]>> out = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(stack)) {
            Map<TopicPartition, Long> end = c.endOffsets(from.keySet());
            c.assign(from.keySet());
            from.forEach(c::seek);
            long deadline = System.currentTimeMillis() + 30_000;
            while (from.keySet().stream().anyMatch(tp -> c.position(tp) < end.get(tp))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix)) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }
}

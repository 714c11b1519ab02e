package io.kilowatch.ingest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reference data into a compacted topic (the registry, the tariff catalogue): one record per
 * key, tombstones for removed keys, returning only when Kafka acknowledged every one, so the
 * loader's exit says the data is there.
 */
final class CompactedTopic {
    private CompactedTopic() {}

    /** @return how many records Kafka acknowledged */
    static int send(
            IngestConfig config, String topic, String clientId, Map<String, byte[]> records, List<String> removed)
            throws Exception {
        Map<String, Object> p = IngestService.producerProperties(config);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        // A loader has no MQTT session to keep alive: it waits for an absent Kafka as long as a record may.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, config.kafkaDeliveryTimeout().toMillis());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> kafka = new KafkaProducer<>(p)) {
            for (Map.Entry<String, byte[]> r : records.entrySet()) {
                sent.add(kafka.send(new ProducerRecord<>(topic, key(r.getKey()), r.getValue())));
            }
            for (String k : removed) {
                sent.add(kafka.send(new ProducerRecord<>(topic, key(k), null)));
            }
            kafka.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
        return sent.size();
    }

    private static byte[] key(String k) {
        return k.getBytes(StandardCharsets.UTF_8);
    }
}

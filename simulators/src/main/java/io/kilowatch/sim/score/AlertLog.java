package io.kilowatch.sim.score;

import io.kilowatch.model.Alert;
import io.kilowatch.model.AlertCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Alerts as a run left them: every record of an alerts topic up to its end now, or a JSON-lines file. */
public final class AlertLog {
    private static final Logger LOG = LoggerFactory.getLogger(AlertLog.class);

    private AlertLog() {}

    /**
     * Every alert on {@code topic} from the beginning to the end offsets at the time of the call
     * (no consumer group: reading leaves no trace). Records that are not alerts are skipped and
     * counted in the log, the way a scorer should treat a foreign producer.
     */
    public static List<Alert> fromKafka(String bootstrap, String topic) {
        List<Alert> out = new ArrayList<>();
        read(bootstrap, topic, (alert, record) -> out.add(alert));
        return out;
    }

    /** Reads {@code topic} from the beginning to its end now, handing on each alert with its record. */
    public static void read(String bootstrap, String topic, java.util.function.BiConsumer<Alert, ConsumerRecord<byte[], byte[]>> each) {
        AlertCodec codec = new AlertCodec();
        int[] skipped = {0};
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                LOG.info("no topic {}: no alerts", topic);
                return;
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        each.accept(codec.decode(r.value()), r);
                    } catch (IOException e) {
                        skipped[0]++;
                    }
                }
            }
        }
        if (skipped[0] > 0) {
            LOG.warn("{} records on {} were not alerts and were skipped", skipped[0], topic);
        }
    }

    /** One alert JSON per line, blank lines ignored. */
    public static List<Alert> fromFile(Path file) throws IOException {
        AlertCodec codec = new AlertCodec();
        List<Alert> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                try {
                    out.add(codec.decode(lines.get(i).getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new IOException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

}

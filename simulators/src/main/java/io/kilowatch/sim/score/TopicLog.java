package io.kilowatch.sim.score;

import io.kilowatch.model.RecordCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run left on a topic of JSON records (alerts, hints): every record from the beginning to
 * the end offsets at the time of the call, with no consumer group (reading leaves no trace), or
 * a JSON-lines file. Records that do not decode are skipped and counted in the log, the way a
 * scorer should treat a foreign producer.
 */
public final class TopicLog<T> {
    private static final Logger LOG = LoggerFactory.getLogger(TopicLog.class);

    /** Two of the jobs' default checkpoint intervals (30 s): what a running job wrote last is committed by then. */
    static final Duration COMMIT_WAIT = Duration.ofSeconds(65);

    private final RecordCodec<T> codec;
    private final String what;

    public TopicLog(RecordCodec<T> codec, String what) {
        this.codec = codec;
        this.what = what;
    }

    public List<T> fromKafka(String bootstrap, String topic) {
        List<T> out = new ArrayList<>();
        read(bootstrap, topic, (value, record) -> out.add(value));
        return out;
    }

    /** Reads {@code topic} from the beginning to its end now, handing on each value with its record. */
    public void read(String bootstrap, String topic, BiConsumer<T, ConsumerRecord<byte[], byte[]>> each) {
        int skipped = 0;
        // The jobs write alerts in transactions: a restart's aborted copies are not alerts.
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap, "read_committed")) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                LOG.info("no topic {}: no {}", topic, what);
                return;
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = committedEnd(bootstrap, consumer, partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    try {
                        each.accept(codec.decode(r.value()), r);
                    } catch (IOException e) {
                        skipped++;
                    }
                }
            }
        }
        if (skipped > 0) {
            LOG.warn("{} records on {} were not {} and were skipped", skipped, topic, what);
        }
    }

    /**
     * The end to read to: everything written when the call began, once committed. A running job
     * commits its alerts with its next checkpoint, so what it wrote last waits up to {@link
     * #COMMIT_WAIT}; what is still open then (a job killed mid-transaction) is left out, and said.
     */
    private Map<TopicPartition, Long> committedEnd(
            String bootstrap, KafkaConsumer<byte[], byte[]> committed, List<TopicPartition> partitions) {
        Map<TopicPartition, Long> written;
        try (KafkaConsumer<byte[], byte[]> all = consumer(bootstrap, "read_uncommitted")) {
            written = all.endOffsets(partitions);
        }
        long deadline = System.nanoTime() + COMMIT_WAIT.toNanos();
        Map<TopicPartition, Long> end = committed.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> end.get(p) < written.get(p)) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            end.putAll(committed.endOffsets(partitions));
        }
        long open = partitions.stream()
                .mapToLong(p -> Math.max(0, written.get(p) - end.get(p)))
                .sum();
        if (open > 0) {
            LOG.warn(
                    "{} offsets of {} were still in open transactions after {} s: those {} are not read",
                    open,
                    partitions.get(0).topic(),
                    COMMIT_WAIT.toSeconds(),
                    what);
        }
        return end;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String isolation) {
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
                isolation));
    }

    /** One JSON record per line, blank lines ignored. */
    public List<T> fromFile(Path file) throws IOException {
        List<T> out = new ArrayList<>();
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

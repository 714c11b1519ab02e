package io.kilowatch.sim.history;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a judged import as the bridge writes what it forwards: readings to kw.readings keyed
 * by meterId (normalized JSON), rejects to kw.readings.dlq keyed by their source with the
 * bridge's headers; acks=all and an idempotent producer, so every record counted as written was
 * acknowledged by the broker. A second import of the same file writes the same readings again,
 * which the jobs dedup by (meterId, ts).
 */
public final class KafkaImportWriter {
    private final Producer<byte[], byte[]> producer;
    private final String readingsTopic;
    private final String deadLetterTopic;
    private final PrintStream progress;
    private final LongAdder written = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    public KafkaImportWriter(
            Producer<byte[], byte[]> producer, String readingsTopic, String deadLetterTopic, PrintStream progress) {
        this.producer = producer;
        this.readingsTopic = readingsTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.progress = progress;
    }

    public static Producer<byte[], byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                20,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG,
                "lz4",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }

    /** What the broker acknowledged. */
    public record Written(long readings, long deadLetters, long failed, Exception firstError) {}

    public Written write(Judged j) {
        int total = j.accepted().size() + j.deadLetters().size();
        long began = System.nanoTime();
        long lastReport = began;
        int sent = 0;
        for (Judged.Accepted a : j.accepted()) {
            producer.send(
                    new ProducerRecord<>(readingsTopic, a.meterId().getBytes(StandardCharsets.UTF_8), a.value()),
                    count(written));
            lastReport = report(++sent, total, began, lastReport);
        }
        String rejectedAt = Instant.now().toString();
        for (Judged.DeadLetter d : j.deadLetters()) {
            RecordHeaders headers = new RecordHeaders();
            d.rejected().headers(d.source(), rejectedAt).forEach(headers::add);
            producer.send(
                    new ProducerRecord<>(
                            deadLetterTopic,
                            null,
                            d.source().getBytes(StandardCharsets.UTF_8),
                            d.rejected().original(),
                            headers),
                    count(deadLettered));
            lastReport = report(++sent, total, began, lastReport);
        }
        producer.flush();
        return new Written(written.sum(), deadLettered.sum(), failed.sum(), firstError.get());
    }

    private Callback count(LongAdder ok) {
        return (meta, error) -> {
            if (error == null) {
                ok.increment();
            } else {
                failed.increment();
                firstError.compareAndSet(null, error);
            }
        };
    }

    private long report(int sent, int total, long began, long lastReport) {
        long now = System.nanoTime();
        if (now - lastReport < 2_000_000_000L && sent < total) {
            return lastReport;
        }
        double s = (now - began) / 1e9;
        progress.printf(
                "import: %,d of %,d records sent (%.0f %%), %,d acknowledged, %.0f records/s%n",
                sent,
                total,
                100.0 * sent / Math.max(1, total),
                written.sum() + deadLettered.sum(),
                sent / Math.max(s, 1e-3));
        return now;
    }
}

package io.kilowatch.ingest;

import io.kilowatch.model.intake.Routed;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Writes what a message was routed to: accepted readings to the readings topic keyed by meterId,
 * rejects to the dead-letter topic keyed by the MQTT topic with the reason in headers.
 *
 * <p>The returned future completes only when Kafka has acknowledged every record of the message
 * (acks=all, idempotent producer), so the caller can acknowledge the MQTT message then and not
 * before: a crash in between means a redelivery (a duplicate downstream dedups), never a loss.
 */
public final class KafkaForwarder {
    private final Producer<byte[], byte[]> producer;
    private final String readingsTopic;
    private final String deadLetterTopic;
    private final IngestMetrics metrics;

    public KafkaForwarder(
            Producer<byte[], byte[]> producer, String readingsTopic, String deadLetterTopic, IngestMetrics metrics) {
        this.producer = producer;
        this.readingsTopic = readingsTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.metrics = metrics;
    }

    public CompletableFuture<Void> forward(String mqttTopic, Routed routed) {
        int total = routed.accepted().size() + routed.rejected().size();
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (total == 0) {
            done.complete(null); // an empty concentrator batch: nothing to write, still acknowledged
            return done;
        }
        AtomicInteger pending = new AtomicInteger(total);
        Callback onAck = (meta, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else if (pending.decrementAndGet() == 0) {
                done.complete(null);
            }
        };
        for (Routed.Accepted a : routed.accepted()) {
            producer.send(
                    new ProducerRecord<>(readingsTopic, a.meterId().getBytes(StandardCharsets.UTF_8), a.value()),
                    (meta, error) -> {
                        if (error == null) {
                            metrics.readingsForwarded.increment();
                        }
                        onAck.onCompletion(meta, error);
                    });
        }
        String rejectedAt = Instant.now().toString();
        for (Routed.Rejected r : routed.rejected()) {
            RecordHeaders headers = new RecordHeaders();
            r.headers(mqttTopic, rejectedAt).forEach(headers::add);
            producer.send(
                    new ProducerRecord<>(deadLetterTopic, null, utf8(mqttTopic), r.original(), headers),
                    (meta, error) -> {
                        if (error == null) {
                            metrics.countDeadLettered(r.reason());
                        }
                        onAck.onCompletion(meta, error);
                    });
        }
        return done;
    }

    /**
     * Whether Kafka answers for both topics now: their partitions are known, from the producer's
     * metadata or, once that was dropped, from a broker within {@code max.block.ms}.
     */
    public boolean reachable() {
        try {
            return !producer.partitionsFor(readingsTopic).isEmpty()
                    && !producer.partitionsFor(deadLetterTopic).isEmpty();
        } catch (org.apache.kafka.common.KafkaException e) {
            return false;
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

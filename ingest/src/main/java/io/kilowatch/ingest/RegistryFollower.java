package io.kilowatch.ingest;

import io.kilowatch.model.RegistryCodec;
import io.kilowatch.model.RegistryEntry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted registry topic for the whole service: read from its start into every
 * listener (which concentrator reads which meter, for the bridge; whose meter it is, for the
 * outbound relay), then kept current while ingest runs, so a meter moved or added in the
 * registry is routed by its new entry within a poll. {@link #awaitLoaded} says when it has
 * caught up once: the bridge and the relay wait for that, so a restart does not judge batches
 * or route alerts by a half-read registry. One consumer, no group: every instance reads all.
 */
final class RegistryFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryFollower.class);

    /** Receives every registry record in order; {@code entry} null is a tombstone. Called on the follower's thread. */
    interface Listener {
        void registryUpdate(String meterId, RegistryEntry entry);
    }

    private final String topic;
    private final IngestMetrics metrics;
    private final List<Listener> listeners;
    private final RegistryCodec codec = new RegistryCodec();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    RegistryFollower(IngestConfig config, IngestMetrics metrics, List<Listener> listeners) {
        this.topic = config.registryTopic();
        this.metrics = metrics;
        this.listeners = List.copyOf(listeners);
        this.consumer = new KafkaConsumer<>(IngestService.consumerProperties(config, null, "earliest"));
        this.thread = new Thread(this::run, "registry-follower");
        thread.setDaemon(true);
    }

    RegistryFollower start() {
        thread.start();
        return this;
    }

    /** Waits until the registry has been read to the end it had when the follower started. */
    boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            List<TopicPartition> parts = partitions();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long records = 0;
            while (running) {
                records += apply(consumer.poll(Duration.ofMillis(200)));
                if (loaded.getCount() > 0 && parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
                    LOG.info("registry {} loaded: {} records", topic, records);
                    metrics.registryLoaded.set(1);
                    loaded.countDown();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            LOG.error(
                    "registry follower stopped: registry changes no longer reach ingest until restart (meters moved"
                            + " between concentrators are refused, new customers' alerts are not relayed)",
                    e);
        }
    }

    /** The topic's partitions, waiting for it to exist: the service is useless without its registry. */
    private List<TopicPartition> partitions() throws InterruptedException {
        while (running) {
            var info = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (info != null && !info.isEmpty()) {
                return info.stream()
                        .map(i -> new TopicPartition(i.topic(), i.partition()))
                        .toList();
            }
            LOG.warn("registry topic {} not found; create it (scripts/stack.sh up does) — retrying", topic);
            Thread.sleep(5_000);
        }
        throw new WakeupException();
    }

    private int apply(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String meter = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            if (meter == null) {
                metrics.registryBadRecords.increment();
                continue;
            }
            RegistryEntry entry;
            try {
                entry = r.value() == null ? null : codec.decode(r.value());
            } catch (Exception e) {
                metrics.registryBadRecords.increment();
                LOG.warn("ignoring registry record for meter {} at offset {}: {}", meter, r.offset(), e.getMessage());
                continue;
            }
            for (Listener l : listeners) {
                l.registryUpdate(meter, entry);
            }
            metrics.registryRecords.increment();
        }
        return records.count();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
    }
}

package io.kilowatch.ingest;

import io.kilowatch.model.RegistryCodec;
import io.kilowatch.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The way back: alerts and hints from Kafka to each customer's MQTT topics
 * ({@code customers/{customerId}/alerts|hints}, QoS 1), the value passed on unchanged.
 *
 * <p>At-least-once: a batch's offsets are committed only after the broker acknowledged every
 * publish of the batch. The registry (compacted {@code kw.registry}) is read from its start into
 * memory, and events wait until it has caught up once, so a restart does not misroute alerts of
 * meters it has not reloaded yet. Staff-only alerts (suspected theft, tamper, the grid's assets)
 * are not sent to customers ({@code kilowatch_ingest_outbound_staff_only_total}). An event with no customer is counted and logged
 * ({@code kilowatch_ingest_outbound_unroutable_total}), not published to a guess.
 */
public final class OutboundRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundRelay.class);

    private final IngestConfig config;
    private final CustomerRouting routing = new CustomerRouting();
    private final RegistryCodec registryCodec = new RegistryCodec();
    private final KafkaConsumer<byte[], byte[]> registry;
    private final KafkaConsumer<byte[], byte[]> events;
    private final MqttAsyncClient mqtt;
    private final Thread worker;
    private final IngestMetrics metrics;
    private volatile boolean running = true;

    public OutboundRelay(IngestConfig config, IngestMetrics metrics) throws MqttException {
        this.config = config;
        this.metrics = metrics;
        this.registry = new KafkaConsumer<>(consumerProperties(null, "earliest"));
        this.events = new KafkaConsumer<>(consumerProperties(config.outboundGroupId(), config.outboundStartFrom()));
        this.mqtt = new MqttAsyncClient(config.mqttUrl(), config.mqttClientId() + "-outbound", new MemoryPersistence());
        this.worker = new Thread(this::run, "outbound-relay");
    }

    private Map<String, Object> consumerProperties(String group, String reset) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.putAll(config.kafkaClient());
        return p;
    }

    public OutboundRelay start() throws MqttException {
        MqttConnectionOptions o = config.mqttOptions();
        o.setCleanStart(true);
        o.setAutomaticReconnect(true);
        mqtt.connect(o).waitForCompletion(30_000);
        worker.start();
        return this;
    }

    private void run() {
        try {
            List<TopicPartition> parts = registry.partitionsFor(config.registryTopic()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition()))
                    .toList();
            registry.assign(parts);
            registry.seekToBeginning(parts);
            Map<TopicPartition, Long> end = registry.endOffsets(parts);
            while (running && parts.stream().anyMatch(tp -> registry.position(tp) < end.get(tp))) {
                applyRegistry(registry.poll(Duration.ofMillis(200)));
            }
            LOG.info(
                    "registry loaded: {} meters; relaying {} and {} to customers",
                    routing.registeredMeters(),
                    config.alertsTopic(),
                    config.hintsTopic());
            events.subscribe(List.of(config.alertsTopic(), config.hintsTopic()));
            while (running) {
                applyRegistry(registry.poll(Duration.ZERO));
                ConsumerRecords<byte[], byte[]> batch = events.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    relay(batch);
                    events.commitSync();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Exception e) {
            LOG.error("outbound relay stopped; alerts and hints are not reaching customers until restart", e);
        }
    }

    private void applyRegistry(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            String meter = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            if (meter == null) {
                metrics.outboundBadRegistryEntries.increment();
                continue;
            }
            try {
                routing.registryUpdate(meter, r.value() == null ? null : registryCodec.decode(r.value()));
            } catch (Exception e) {
                metrics.outboundBadRegistryEntries.increment();
                LOG.warn("ignoring registry record for meter {} at offset {}: {}", meter, r.offset(), e.getMessage());
            }
        }
    }

    /** Publishes every routable event of the batch and waits until the broker acknowledged them all. */
    private void relay(ConsumerRecords<byte[], byte[]> batch) throws MqttException {
        List<IMqttToken> pending = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
            boolean hint = r.topic().equals(config.hintsTopic());
            CustomerRouting.AlertRoute route = hint ? null : routing.alertRoute(key, r.value());
            if (route != null && route.staffOnly()) {
                metrics.outboundStaffOnly.increment();
                continue;
            }
            if (route != null && route.consequence()) {
                metrics.outboundConsequences.increment();
                continue;
            }
            String customer = hint ? routing.hintCustomer(key) : route.customerId();
            if (customer == null || customer.contains("/") || customer.contains("+") || customer.contains("#")) {
                metrics.outboundUnroutable.increment();
                LOG.warn("no customer for {} record key={} offset={}; not published", r.topic(), key, r.offset());
                continue;
            }
            String topic = hint ? Topics.customerHintsTopic(customer) : Topics.customerAlertsTopic(customer);
            pending.add(mqtt.publish(topic, r.value() == null ? new byte[0] : r.value(), 1, false));
        }
        for (IMqttToken t : pending) {
            t.waitForCompletion(60_000);
            metrics.outboundPublished.increment();
        }
    }

    @Override
    public void close() {
        running = false;
        events.wakeup();
        try {
            worker.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.close();
        registry.close();
        try {
            mqtt.disconnect(0).waitForCompletion(5_000);
            mqtt.close();
        } catch (MqttException e) {
            LOG.warn("outbound MQTT disconnect failed", e);
        }
    }
}

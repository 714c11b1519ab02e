package io.kilowatch.ingest;

import io.kilowatch.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
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
 * publish of the batch. Whose meter an alert is about comes from the registry ({@link
 * RegistryFollower}), and events wait until it has caught up once, so a restart does not misroute
 * alerts of meters it has not reloaded yet. Staff-only alerts (suspected theft, tamper, the grid's assets)
 * are not sent to customers ({@code kilowatch_ingest_outbound_staff_only_total}). An event with no customer is counted and logged
 * ({@code kilowatch_ingest_outbound_unroutable_total}), not published to a guess.
 */
public final class OutboundRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundRelay.class);

    private final IngestConfig config;
    private final CustomerRouting routing;
    private final RegistryFollower registry;
    private final KafkaConsumer<byte[], byte[]> events;
    private final MqttAsyncClient mqtt;
    private final Thread worker;
    private final IngestMetrics metrics;
    private volatile boolean running = true;

    /** @param routing kept current by {@code registry}, which the service starts */
    OutboundRelay(IngestConfig config, IngestMetrics metrics, CustomerRouting routing, RegistryFollower registry)
            throws MqttException {
        this.config = config;
        this.metrics = metrics;
        this.routing = routing;
        this.registry = registry;
        this.events = new KafkaConsumer<>(
                IngestService.consumerProperties(config, config.outboundGroupId(), config.outboundStartFrom()));
        this.mqtt = new MqttAsyncClient(config.mqttUrl(), config.mqttClientId() + "-outbound", new MemoryPersistence());
        this.worker = new Thread(this::run, "outbound-relay");
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
            while (running && !registry.awaitLoaded(Duration.ofMillis(200))) {
                // alerts wait: routed by a half-read registry, they would go to no one or the old owner
            }
            LOG.info(
                    "registry loaded: {} meters; relaying {} and {} to customers",
                    routing.registeredMeters(),
                    config.alertsTopic(),
                    config.hintsTopic());
            events.subscribe(List.of(config.alertsTopic(), config.hintsTopic()));
            while (running) {
                ConsumerRecords<byte[], byte[]> batch = events.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    relay(batch);
                    events.commitSync();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("outbound relay stopped; alerts and hints are not reaching customers until restart", e);
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
        try {
            mqtt.disconnect(0).waitForCompletion(5_000);
            mqtt.close();
        } catch (MqttException e) {
            LOG.warn("outbound MQTT disconnect failed", e);
        }
    }
}

package io.kilowatch.ingest;

import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.intake.ReadingRouter;
import io.kilowatch.model.intake.ServedMeters;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The ingest service assembled from its parts; tests start it in-process, main starts it as a process. */
public final class IngestService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);

    private final IngestMetrics metrics = new IngestMetrics();
    private final IngestConfig config;
    private final Producer<byte[], byte[]> producer;
    private final MqttKafkaBridge bridge;
    private final HealthServer health;
    private final OutboundRelay outbound;
    private final RegistryFollower registry;
    private final ServedMeters served = new ServedMeters();
    private final PipelineReporter pipeline;
    private final BrokerAccessWriter brokerAccess;
    private static final Duration REGISTRY_WAIT = Duration.ofSeconds(60);

    private IngestService(IngestConfig config) throws IOException, MqttException {
        this.config = config;
        producer = new KafkaProducer<>(producerProperties(config));
        CustomerRouting routing = new CustomerRouting();
        brokerAccess = config.mqttAccessDir() == null
                ? null
                : new BrokerAccessWriter(config, metrics, () -> metrics.registryLoaded.get() == 1);
        List<RegistryFollower.Listener> listeners =
                new java.util.ArrayList<>(List.of(served::update, routing::registryUpdate));
        if (brokerAccess != null) {
            listeners.add(brokerAccess);
        }
        registry = new RegistryFollower(config, metrics, listeners);
        metrics.servedMeters(served::servedMeters);
        ReadingRouter router = new ReadingRouter(new ReadingCodec(), config.maxPayloadBytes(), config.rules(), served);
        KafkaForwarder forwarder =
                new KafkaForwarder(producer, config.readingsTopic(), config.deadLetterTopic(), metrics);
        bridge = new MqttKafkaBridge(config, router, forwarder, metrics);
        outbound = config.outboundEnabled() ? new OutboundRelay(config, metrics, routing, registry) : null;
        health = new HealthServer(
                config.httpPort(), () -> bridge.isHealthy(config.kafkaUnhealthyAfter()), metrics::prometheus);
        pipeline = config.influxUrl() == null || config.influxUrl().isBlank()
                ? null
                : new PipelineReporter(config, metrics);
    }

    public static IngestService start(IngestConfig config) throws IOException, MqttException {
        LOG.info("starting ingest with {}", config);
        IngestService s = new IngestService(config);
        s.health.start();
        s.awaitRegistry();
        s.bridge.start(Duration.ofSeconds(30));
        if (s.outbound != null) {
            s.outbound.start();
        }
        if (s.pipeline != null) {
            s.pipeline.start();
        }
        LOG.info("ingest running; health and metrics on http://127.0.0.1:{}/metrics", s.health.port());
        return s;
    }

    /**
     * Batches are judged by which concentrator reads which meter, so the bridge subscribes only
     * after the registry has been read once, or after {@link #REGISTRY_WAIT} with a warning: a
     * bridge that never starts because Kafka is slow to answer would lose more than it guards.
     */
    private void awaitRegistry() throws IOException {
        registry.start();
        try {
            if (!registry.awaitLoaded(REGISTRY_WAIT)) {
                LOG.warn(
                        "registry {} not read within {}; subscribing anyway: until it is, batches are not checked"
                                + " against the concentrators the registry names",
                        config.registryTopic(),
                        REGISTRY_WAIT);
            } else if (served.checked()) {
                LOG.info(
                        "registry names the concentrators of {} meters: a batch's reading of any other meter is"
                                + " dead-lettered (NOT_SERVED)",
                        served.servedMeters());
            } else {
                LOG.warn("registry names no concentrator: batches are not checked against the meters they may speak"
                        + " for; add the concentratorId column (docs/registry.md)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the registry", e);
        }
    }

    static Map<String, Object> consumerProperties(IngestConfig config, String group, String reset) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, reset);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        // The jobs write alerts in transactions: what a restart aborted never reaches a customer.
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.putAll(config.kafkaClient());
        return p;
    }

    static Map<String, Object> producerProperties(IngestConfig config) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafkaBootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.mqttClientId());
        // No loss, no reordering duplicates from retries: the MQTT ack waits for these.
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // Kafka away for a while is back-pressure, not failure: records wait in the producer
        // (its buffer bounded by what the MQTT receive-maximum lets in) until it returns.
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int)
                Math.min(Integer.MAX_VALUE, config.kafkaDeliveryTimeout().toMillis()));
        // send() runs on the MQTT callback thread and blocks while the topic's metadata is missing
        // (the producer drops it when it re-bootstraps with Kafka away); 60 s by default, which
        // timed out the MQTT connection (MqttKafkaBridge). A send refused after 5 s leaves its
        // message to a resync, like a record Kafka gave up on.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MqttKafkaBridge.PERMIT_WAIT.toMillis());
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L * 1024 * 1024);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.putAll(config.kafkaClient()); // security and tuning pass through, and win
        return p;
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    public int httpPort() {
        return health.port();
    }

    public boolean isReady() {
        return bridge.isHealthy(config.kafkaUnhealthyAfter());
    }

    @Override
    public void close() {
        LOG.info("ingest stopping: flushing Kafka, acknowledging what Kafka accepted");
        if (outbound != null) {
            outbound.close();
        }
        registry.close();
        if (brokerAccess != null) {
            brokerAccess.close();
        }
        producer.flush();
        bridge.close();
        producer.close(Duration.ofSeconds(10));
        health.close();
        if (pipeline != null) {
            pipeline.close();
        }
        LOG.info(
                "ingest stopped; received={} acked={} forwarded={} dead-lettered={}",
                metrics.messagesReceived(),
                metrics.messagesAcked(),
                metrics.readingsForwarded(),
                metrics.deadLettered());
    }
}

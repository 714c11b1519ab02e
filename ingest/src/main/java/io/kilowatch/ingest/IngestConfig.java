package io.kilowatch.ingest;

import io.kilowatch.model.Settings;
import io.kilowatch.model.Topics;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Everything the ingest service can be told, in one place. Read from an optional properties
 * file ({@code --config FILE} or {@code KW_INGEST_CONFIG}) and the environment ({@code KW_*},
 * see {@link Settings}); defaults fit the local stack.
 *
 * @param kafkaClient extra Kafka client properties ({@code kafka.client.*}), passed through as
 *     they are: security protocol, SASL, TLS stores.
 */
public record IngestConfig(
        String mqttUrl,
        String mqttClientId,
        String mqttUsername,
        String mqttPassword,
        String mqttSharedGroup,
        Duration mqttSessionExpiry,
        int mqttReceiveMaximum,
        String kafkaBootstrapServers,
        String readingsTopic,
        String deadLetterTopic,
        Duration kafkaDeliveryTimeout,
        Duration kafkaUnhealthyAfter,
        Map<String, String> kafkaClient,
        int maxPayloadBytes,
        PlausibilityRules rules,
        int httpPort) {

    static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("mqtt.url", "tcp://127.0.0.1:1883"),
            Map.entry("mqtt.client-id", "kilowatch-ingest-1"),
            Map.entry("mqtt.username", ""),
            Map.entry("mqtt.password", ""),
            Map.entry("mqtt.shared-group", ""),
            Map.entry("mqtt.session-expiry", "1h"),
            Map.entry("mqtt.receive-maximum", "2000"),
            Map.entry("kafka.bootstrap-servers", "127.0.0.1:9092"),
            Map.entry("kafka.topic.readings", Topics.READINGS),
            Map.entry("kafka.topic.dlq", Topics.READINGS_DLQ),
            Map.entry("kafka.delivery-timeout", "10m"),
            Map.entry("kafka.unhealthy-after", "10s"),
            Map.entry("ingest.max-payload-bytes", Integer.toString(1024 * 1024)),
            Map.entry("ingest.max-clock-skew", "5m"),
            Map.entry("ingest.max-age", "7d"),
            Map.entry("ingest.max-abs-kw", "100000"),
            Map.entry("ingest.max-voltage-v", "100000"),
            Map.entry("ingest.max-current-a", "100000"),
            Map.entry("ingest.max-register-kwh", "1e12"),
            Map.entry("http.port", "8091"));

    public static IngestConfig load(Path file, Map<String, String> env) throws IOException {
        Properties p = new Properties();
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
        }
        return from(Settings.of(DEFAULTS, p, env));
    }

    public static IngestConfig from(Settings s) {
        return new IngestConfig(
                s.get("mqtt.url"),
                s.get("mqtt.client-id"),
                s.getOrNull("mqtt.username"),
                s.getOrNull("mqtt.password"),
                s.getOrNull("mqtt.shared-group"),
                s.getDuration("mqtt.session-expiry"),
                s.getInt("mqtt.receive-maximum"),
                s.get("kafka.bootstrap-servers"),
                s.get("kafka.topic.readings"),
                s.get("kafka.topic.dlq"),
                s.getDuration("kafka.delivery-timeout"),
                s.getDuration("kafka.unhealthy-after"),
                s.withPrefix("kafka.client."),
                s.getInt("ingest.max-payload-bytes"),
                new PlausibilityRules(
                        s.getDuration("ingest.max-clock-skew"),
                        s.getDuration("ingest.max-age"),
                        s.getDouble("ingest.max-abs-kw"),
                        s.getDouble("ingest.max-voltage-v"),
                        s.getDouble("ingest.max-current-a"),
                        s.getDouble("ingest.max-register-kwh")),
                s.getInt("http.port"));
    }

    /** The topic filters to subscribe to, as a shared subscription when a group is set (scale-out). */
    public String[] subscriptions() {
        String[] topics = {Topics.MQTT_METER_READING, Topics.MQTT_CONCENTRATOR_BATCH};
        if (mqttSharedGroup == null) {
            return topics;
        }
        String[] shared = new String[topics.length];
        for (int i = 0; i < topics.length; i++) {
            shared[i] = "$share/" + mqttSharedGroup + "/" + topics[i];
        }
        return shared;
    }

    @Override
    public String toString() { // never log the password
        return "IngestConfig[mqtt=" + mqttUrl + " clientId=" + mqttClientId + " user=" + mqttUsername
                + " sharedGroup=" + mqttSharedGroup + " sessionExpiry=" + mqttSessionExpiry
                + " receiveMaximum=" + mqttReceiveMaximum + " kafka=" + kafkaBootstrapServers
                + " readings=" + readingsTopic + " dlq=" + deadLetterTopic + " kafkaClient=" + kafkaClient.keySet()
                + " maxPayloadBytes=" + maxPayloadBytes + " rules=" + rules + " httpPort=" + httpPort + "]";
    }
}

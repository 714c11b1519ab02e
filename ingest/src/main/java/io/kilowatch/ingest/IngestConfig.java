package io.kilowatch.ingest;

import io.kilowatch.model.Settings;
import io.kilowatch.model.Topics;
import io.kilowatch.model.intake.PlausibilityRules;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
        String mqttTlsTruststore,
        String mqttTlsTruststorePassword,
        String mqttTlsKeystore,
        String mqttTlsKeystorePassword,
        String mqttSharedGroup,
        Duration mqttSessionExpiry,
        int mqttReceiveMaximum,
        String mqttAccessDir,
        String mqttAccessDeviceKey,
        String mqttAccessReloadCommand,
        Duration mqttAccessEvery,
        String kafkaBootstrapServers,
        String readingsTopic,
        String deadLetterTopic,
        String registryTopic,
        String tariffsTopic,
        String alertsTopic,
        String hintsTopic,
        boolean outboundEnabled,
        String outboundGroupId,
        String outboundStartFrom,
        Duration kafkaDeliveryTimeout,
        Duration kafkaUnhealthyAfter,
        Map<String, String> kafkaClient,
        int maxPayloadBytes,
        PlausibilityRules rules,
        int httpPort,
        String influxUrl,
        String influxDatabase,
        io.kilowatch.model.InfluxLogin influxLogin,
        Duration pipelineEvery,
        List<String> lagGroups) {

    static final Map<String, String> DEFAULTS = withPlausibilityDefaults(Map.ofEntries(
            Map.entry("mqtt.url", "tcp://127.0.0.1:1883"),
            Map.entry("mqtt.client-id", "kilowatch-ingest-1"),
            Map.entry("mqtt.username", ""),
            Map.entry("mqtt.password", ""),
            Map.entry("mqtt.tls.truststore", ""),
            Map.entry("mqtt.tls.truststore-password", ""),
            Map.entry("mqtt.tls.keystore", ""),
            Map.entry("mqtt.tls.keystore-password", ""),
            Map.entry("mqtt.shared-group", ""),
            Map.entry("mqtt.session-expiry", "1h"),
            Map.entry("mqtt.receive-maximum", "2000"),
            // Broker accounts and ACLs from the registry (docs/security.md); empty dir: not written.
            Map.entry("mqtt.access.dir", ""),
            Map.entry("mqtt.access.device-key", ""),
            Map.entry("mqtt.access.reload-command", ""),
            Map.entry("mqtt.access.every", "1s"),
            Map.entry("kafka.bootstrap-servers", "127.0.0.1:9092"),
            Map.entry("kafka.topic.readings", Topics.READINGS),
            Map.entry("kafka.topic.dlq", Topics.READINGS_DLQ),
            Map.entry("kafka.topic.registry", Topics.REGISTRY),
            Map.entry("kafka.topic.tariffs", Topics.TARIFFS),
            Map.entry("kafka.topic.alerts", Topics.ALERTS),
            Map.entry("kafka.topic.hints", Topics.HINTS),
            Map.entry("outbound.enabled", "true"),
            Map.entry("outbound.group-id", "kilowatch-outbound"),
            Map.entry("outbound.start-from", "latest"),
            Map.entry("kafka.delivery-timeout", "10m"),
            Map.entry("kafka.unhealthy-after", "10s"),
            Map.entry("ingest.max-payload-bytes", Integer.toString(1024 * 1024)),
            Map.entry("http.port", "8091"),
            // The pipeline measurement (docs/operations): empty URL, nothing written.
            Map.entry("influx.url", ""),
            Map.entry("influx.database", "kilowatch"),
            Map.entry("influx.username", ""),
            Map.entry("influx.password", ""),
            Map.entry("pipeline.every", "10s"),
            // Whose consumer lag the pipeline measurement carries: the jobs' and the relay's default groups.
            Map.entry("pipeline.lag-groups", "kilowatch-load-curves,kilowatch-alerts,kilowatch-outbound")));

    /** The reading bounds' defaults are the shared ones ({@link PlausibilityRules#DEFAULTS}) under {@code ingest.}. */
    private static Map<String, String> withPlausibilityDefaults(Map<String, String> own) {
        Map<String, String> all = new java.util.HashMap<>(own);
        PlausibilityRules.DEFAULTS.forEach((k, v) -> all.put("ingest." + k, v));
        return Map.copyOf(all);
    }

    public static IngestConfig load(Path file, Map<String, String> env) throws IOException {
        return from(Settings.load(DEFAULTS, file, env));
    }

    public static IngestConfig from(Settings s) {
        return new IngestConfig(
                s.get("mqtt.url"),
                s.get("mqtt.client-id"),
                s.getOrNull("mqtt.username"),
                s.getOrNull("mqtt.password"),
                s.getOrNull("mqtt.tls.truststore"),
                s.getOrNull("mqtt.tls.truststore-password"),
                s.getOrNull("mqtt.tls.keystore"),
                s.getOrNull("mqtt.tls.keystore-password"),
                s.getOrNull("mqtt.shared-group"),
                s.getDuration("mqtt.session-expiry"),
                s.getInt("mqtt.receive-maximum"),
                s.getOrNull("mqtt.access.dir"),
                s.getOrNull("mqtt.access.device-key"),
                s.getOrNull("mqtt.access.reload-command"),
                s.getDuration("mqtt.access.every"),
                s.get("kafka.bootstrap-servers"),
                s.get("kafka.topic.readings"),
                s.get("kafka.topic.dlq"),
                s.get("kafka.topic.registry"),
                s.get("kafka.topic.tariffs"),
                s.get("kafka.topic.alerts"),
                s.get("kafka.topic.hints"),
                s.getBoolean("outbound.enabled"),
                s.get("outbound.group-id"),
                startFrom(s.get("outbound.start-from")),
                s.getDuration("kafka.delivery-timeout"),
                s.getDuration("kafka.unhealthy-after"),
                s.withPrefix("kafka.client."),
                s.getInt("ingest.max-payload-bytes"),
                PlausibilityRules.from(s, "ingest."),
                s.getInt("http.port"),
                s.getOrNull("influx.url"),
                s.get("influx.database"),
                io.kilowatch.model.InfluxLogin.of(s.getOrNull("influx.username"), s.getOrNull("influx.password")),
                s.getDuration("pipeline.every"),
                java.util.Arrays.stream(s.get("pipeline.lag-groups").split(","))
                        .map(String::strip)
                        .filter(g -> !g.isEmpty())
                        .toList());
    }

    private static String startFrom(String v) {
        if (!v.equals("earliest") && !v.equals("latest")) {
            throw new IllegalArgumentException("outbound.start-from must be earliest or latest; got '" + v + "'");
        }
        return v;
    }

    /** Connection options every MQTT client of the service shares: credentials and TLS. */
    public org.eclipse.paho.mqttv5.client.MqttConnectionOptions mqttOptions() {
        var o = new org.eclipse.paho.mqttv5.client.MqttConnectionOptions();
        if (mqttUsername != null) {
            o.setUserName(mqttUsername);
        }
        if (mqttPassword != null) {
            o.setPassword(mqttPassword.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        javax.net.SocketFactory tls = mqttSocketFactory();
        if (tls != null) {
            o.setSocketFactory(tls);
        }
        return o;
    }

    /**
     * TLS to the broker when a trust store (and, for client certificates, a key store) is
     * configured; null for the JVM's defaults, which an {@code ssl://} URL also uses.
     */
    public javax.net.SocketFactory mqttSocketFactory() {
        return io.kilowatch.model.TlsContexts.socketFactory(
                mqttTlsTruststore, mqttTlsTruststorePassword, mqttTlsKeystore, mqttTlsKeystorePassword);
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
                + " receiveMaximum=" + mqttReceiveMaximum
                + " brokerAccess=" + (mqttAccessDir == null ? "off" : mqttAccessDir) + " kafka=" + kafkaBootstrapServers
                + " tls=" + (mqttTlsTruststore != null || mqttTlsKeystore != null)
                + " readings=" + readingsTopic + " dlq=" + deadLetterTopic + " outbound="
                + (outboundEnabled ? alertsTopic + "," + hintsTopic + "->customers/" : "off")
                + " kafkaClient=" + kafkaClient.keySet()
                + " maxPayloadBytes=" + maxPayloadBytes + " rules=" + rules + " httpPort=" + httpPort + "]";
    }
}

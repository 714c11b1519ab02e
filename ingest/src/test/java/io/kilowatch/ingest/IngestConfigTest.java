package io.kilowatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestConfigTest {
    @Test
    void defaultsFitTheLocalStack() throws Exception {
        IngestConfig c = IngestConfig.load(null, Map.of());
        assertThat(c.mqttUrl()).isEqualTo("tcp://127.0.0.1:1883");
        assertThat(c.kafkaBootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(c.maxPayloadBytes()).isEqualTo(1024 * 1024);
        assertThat(c.mqttUsername()).isNull();
        assertThat(c.subscriptions()).containsExactly("meters/+/reading", "concentrators/+/batch");
    }

    @Test
    void fileThenEnvironmentAndPassThroughKafkaProperties(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("ingest.properties");
        Files.writeString(
                f,
                "mqtt.shared-group=bridges\nmqtt.session-expiry=2h\nkafka.client.security.protocol=SSL\nmqtt.password=s3cret\n");
        IngestConfig c = IngestConfig.load(f, Map.of("KW_MQTT_URL", "ssl://broker:8883"));
        assertThat(c.mqttUrl()).isEqualTo("ssl://broker:8883");
        assertThat(c.mqttSessionExpiry()).isEqualTo(Duration.ofHours(2));
        assertThat(c.subscriptions())
                .containsExactly("$share/bridges/meters/+/reading", "$share/bridges/concentrators/+/batch");
        assertThat(IngestService.producerProperties(c))
                .containsEntry("security.protocol", "SSL")
                .containsEntry("acks", "all");
        assertThat(c.toString()).doesNotContain("s3cret");
    }

    @Test
    void noSecretInWhatTheServiceLogsAtStart() throws Exception {
        IngestConfig c = IngestConfig.load(
                null,
                Map.of(
                        "KW_MQTT_PASSWORD", "mqtt-s3cret",
                        "KW_MQTT_TLS_TRUSTSTORE_PASSWORD", "store-s3cret",
                        "KW_MQTT_ACCESS_DIR", "/tmp/access",
                        "KW_MQTT_ACCESS_DEVICE_KEY", "device-s3cret",
                        "KW_INFLUX_USERNAME", "kw-service",
                        "KW_INFLUX_PASSWORD", "influx-s3cret"));
        assertThat(c.influxLogin().authorization()).isNotNull();
        assertThat(c.toString()).doesNotContain("s3cret").contains("brokerAccess=/tmp/access");
    }
}

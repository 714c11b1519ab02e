package io.kilowatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class SettingsTest {
    @Test
    void environmentBeatsFileBeatsDefaults() {
        Properties file = new Properties();
        file.setProperty("mqtt.url", "tcp://file:1883");
        file.setProperty("kafka.bootstrap-servers", "file:9092");
        Settings s = Settings.of(
                Map.of("mqtt.url", "tcp://default:1883", "kafka.bootstrap-servers", "d:9092", "x.timeout", "30s"),
                file,
                Map.of("KW_KAFKA_BOOTSTRAP_SERVERS", "env:9092"));
        assertThat(s.get("mqtt.url")).isEqualTo("tcp://file:1883");
        assertThat(s.get("kafka.bootstrap-servers")).isEqualTo("env:9092");
        assertThat(s.getDuration("x.timeout")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void loadReadsAnOptionalFileBetweenDefaultsAndEnvironment(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path f = dir.resolve("svc.properties");
        java.nio.file.Files.writeString(f, "a=file\nb=file\n");
        Settings s = Settings.load(Map.of("a", "d", "b", "d", "c", "d"), f, Map.of("KW_B", "env"));
        assertThat(s.get("a")).isEqualTo("file");
        assertThat(s.get("b")).isEqualTo("env");
        assertThat(s.get("c")).isEqualTo("d");
        assertThat(Settings.load(Map.of("a", "d"), null, Map.of()).get("a")).isEqualTo("d");
    }

    @Test
    void durationsInEitherForm() {
        assertThat(Settings.parseDuration("k", "PT15M")).isEqualTo(Duration.ofMinutes(15));
        assertThat(Settings.parseDuration("k", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Settings.parseDuration("k", "2h")).isEqualTo(Duration.ofHours(2));
        assertThatThrownBy(() -> Settings.parseDuration("k", "soon")).hasMessageContaining("'k'");
    }

    @Test
    void missingAndMalformedSettingsNameTheKeyAndTheVariable() {
        Settings s = Settings.of(Map.of("n", "abc"), new Properties(), Map.of());
        assertThatThrownBy(() -> s.get("nope")).hasMessageContaining("KW_NOPE");
        assertThatThrownBy(() -> s.getInt("n")).hasMessageContaining("'n'");
    }

    @Test
    void prefixedSettingsPassThrough() {
        Properties file = new Properties();
        file.setProperty("kafka.client.security.protocol", "SSL");
        Settings s = Settings.of(Map.of(), file, Map.of());
        assertThat(s.withPrefix("kafka.client.")).containsEntry("security.protocol", "SSL");
    }
}

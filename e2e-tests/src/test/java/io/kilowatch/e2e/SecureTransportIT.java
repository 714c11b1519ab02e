package io.kilowatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kilowatch.model.BrokerAccounts;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import io.kilowatch.sim.SimulatorMain;
import io.kilowatch.sim.mqtt.MqttEndpoint;
import io.kilowatch.sim.mqtt.MqttPublisher;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.Test;

/**
 * The stack's TLS listener and InfluxDB logins with the real ingest jar and the simulator: every
 * reading published over TLS reaches Kafka, the bridge's counters reach InfluxDB under its login,
 * and afterwards no password or key the run was given appears in its logs, in {@code /metrics}, in
 * the stack's logs or in the repository.
 */
class SecureTransportIT {
    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final Path LOGS = Path.of("target", "secure-transport-logs");

    @Test
    void ingestAndTheSimulatorSpeakTlsAndNoSecretLeaks() throws Exception {
        String p = TestStack.uniquePrefix("tls");
        Files.createDirectories(LOGS);
        // Broker accounts on (the device key is in the bridge's environment, so must not reach its
        // log), from a registry of the test's own.
        String registry = new TestKafka(STACK).createTopic("test." + p + ".registry", 1, true);
        Map<String, String> env = new HashMap<>();
        String[] access = STACK.brokerAccess();
        for (int i = 0; i < access.length; i += 2) {
            env.put(access[i], access[i + 1]);
        }
        env.put("KW_KAFKA_TOPIC_REGISTRY", registry);
        env.put("KW_MQTT_URL", STACK.mqttTlsUrl());
        env.put("KW_MQTT_TLS_TRUSTSTORE", STACK.tlsTruststore().toString());
        env.put("KW_MQTT_TLS_TRUSTSTORE_PASSWORD", STACK.tlsTruststorePassword());
        env.put("KW_PIPELINE_EVERY", "1s");
        env.put("KW_PIPELINE_LAG_GROUPS", "");
        try (InfluxQuery db = InfluxQuery.scratch(STACK.influxUrl(), p.replace('-', '_'))) {
            env.put("KW_INFLUX_URL", STACK.influxUrl());
            env.put("KW_INFLUX_DATABASE", db.database());
            env.put("KW_INFLUX_USERNAME", TestStack.influxAdmin().username());
            env.put("KW_INFLUX_PASSWORD", TestStack.influxAdmin().password());
            Path record = LOGS.resolve(p + "-published.jsonl");
            long forwarded;
            String metrics;
            try (BridgeProcess bridge = new BridgeProcess(STACK, p + "-bridge", LOGS, env).start()) {
                int rc = SimulatorMain.commandLine(new SimulatorMain())
                        .execute(
                                "fleet",
                                "--meters",
                                "20",
                                "--meter-prefix",
                                p + "-m",
                                "--duration",
                                "PT2H",
                                "--speed",
                                "0",
                                "--connections",
                                "2",
                                "--mqtt-url",
                                STACK.mqttTlsUrl(),
                                "--mqtt-truststore",
                                STACK.tlsTruststore().toString(),
                                "--record",
                                record.toString(),
                                "--progress",
                                "0s");
                assertThat(rc).as("fleet over TLS").isZero();
                long published;
                try (Stream<String> lines = Files.lines(record)) {
                    published = lines.count();
                }
                assertThat(published).isGreaterThan(2_000);
                bridge.awaitAccounted(published, Duration.ofMinutes(1));
                forwarded = bridge.metric("kilowatch_ingest_readings_forwarded_total");
                assertThat(forwarded + bridge.metric("kilowatch_ingest_dead_lettered_total"))
                        .as("every reading published over TLS reached Kafka or the dead letters")
                        .isEqualTo(published);
                metrics = get(bridge.metricsUrl());
                Thread.sleep(1_500); // one more pipeline write
            }
            // The bridge wrote its counters into InfluxDB under its login (and once more on stop).
            long written = db.rows("SELECT last(readings_forwarded) FROM pipeline WHERE component = 'ingest'").stream()
                    .mapToLong(r -> InfluxQuery.asLong(r.get("last")))
                    .findFirst()
                    .orElse(-1);
            assertThat(written).isEqualTo(forwarded);

            List<String> secrets = TestStack.secrets();
            assertThat(secrets)
                    .as("the run's secrets (scripts/test.sh exports secrets.env)")
                    .hasSizeGreaterThanOrEqualTo(6);
            assertThat(secrets)
                    .contains(
                            STACK.tlsTruststorePassword(),
                            STACK.ingestPassword(),
                            STACK.fleetPassword(),
                            TestStack.influxAdmin().password());
            Map<String, String> places = new HashMap<>();
            places.put("/metrics", metrics);
            places.put("the bridge's log", Files.readString(LOGS.resolve(p + "-bridge.log")));
            for (Path log : stackLogs()) {
                places.put(log.toString(), Files.readString(log, StandardCharsets.ISO_8859_1));
            }
            places.put("the repository", trackedFiles());
            for (var place : places.entrySet()) {
                for (String secret : secrets) {
                    assertThat(place.getValue())
                            .as("a secret of secrets.env in %s", place.getKey())
                            .doesNotContain(secret);
                }
            }
        }
    }

    @Test
    void theTlsListenerWantsTheStacksCaAndTls() throws Exception {
        MqttEndpoint trusted = new MqttEndpoint(
                STACK.mqttTlsUrl(),
                BrokerAccounts.FLEET,
                STACK.fleetPassword(),
                STACK.tlsTruststore().toString(),
                STACK.tlsTruststorePassword());
        try (MqttPublisher ok = new MqttPublisher(trusted, TestStack.uniquePrefix("tls-ok"), 1)) {
            assertThat(ok.acked()).isZero();
        }
        // The JVM's own trust store does not know the stack's CA: the handshake fails.
        MqttEndpoint untrusted =
                new MqttEndpoint(STACK.mqttTlsUrl(), BrokerAccounts.FLEET, STACK.fleetPassword(), null, null);
        assertThatThrownBy(() -> new MqttPublisher(untrusted, TestStack.uniquePrefix("tls-untrusted"), 1))
                .isInstanceOf(MqttException.class);
        // Plain MQTT to the TLS port is no MQTT at all.
        MqttEndpoint plain = new MqttEndpoint(
                STACK.mqttTlsUrl().replace("ssl://", "tcp://"),
                BrokerAccounts.FLEET,
                STACK.fleetPassword(),
                null,
                null);
        assertThatThrownBy(() -> new MqttPublisher(plain, TestStack.uniquePrefix("tls-plain"), 1))
                .isInstanceOf(MqttException.class);
    }

    private static List<Path> stackLogs() throws IOException {
        Path dir = Path.of(System.getenv().getOrDefault("KW_STACK_DIR", "../.stack"));
        List<Path> logs = new ArrayList<>();
        try (Stream<Path> all = Files.walk(dir, 2)) {
            all.filter(f -> f.toString().endsWith(".log") && Files.isRegularFile(f))
                    .forEach(logs::add);
        }
        return logs;
    }

    /** Every tracked file of the repository, concatenated: no secret of a run may be committed. */
    private static String trackedFiles() throws IOException, InterruptedException {
        Process ls = new ProcessBuilder("git", "ls-files", "-z")
                .directory(Path.of("..").toFile())
                .start();
        String names = new String(ls.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ls.waitFor()).isZero();
        StringBuilder all = new StringBuilder();
        for (String name : names.split("\0")) {
            Path f = Path.of("..", name);
            if (!name.isEmpty() && Files.isRegularFile(f) && Files.size(f) < 20_000_000) {
                all.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                        .append('\n');
            }
        }
        return all.toString();
    }

    private static String get(String url) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }
}

package io.kilowatch.sim.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The raw-component probes run against the real broker, Kafka and InfluxDB, and leave nothing behind in InfluxDB. */
class ComponentRatesIT {
    private static final TestStack STACK = TestStack.fromEnvironment();

    @Test
    void eachProbeMovesWhatItSaysAndReportsARate() throws Exception {
        String run = TestStack.uniquePrefix("probe").replace('-', '_');
        ComponentRates probe = new ComponentRates(
                new io.kilowatch.sim.mqtt.MqttEndpoint(
                        STACK.mqttUrl(), io.kilowatch.model.BrokerAccounts.FLEET, STACK.fleetPassword(), null, null),
                2,
                STACK.kafkaBootstrap(),
                STACK.influxUrl(),
                TestStack.influxAdmin());
        List<ComponentRates.Rate> rates = List.of(
                probe.mosquitto(2_000, 1, run),
                probe.mosquitto(5_000, 500, run + "b"),
                probe.kafkaProducer(3_000, run),
                probe.influxWrite(12_000, run));

        assertThat(rates).allSatisfy(r -> assertThat(r.perSecond()).isPositive().isFinite());
        assertThat(rates).extracting(ComponentRates.Rate::units).containsExactly(2_000L, 5_000L, 3_000L, 12_000L);
        try (Admin admin = new TestKafka(STACK).admin()) {
            String topic = "probe-" + run;
            var partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions();
            long records = 0;
            for (var p : partitions) {
                records += admin.listOffsets(Map.of(new TopicPartition(topic, p.partition()), OffsetSpec.latest()))
                        .all()
                        .get()
                        .values()
                        .iterator()
                        .next()
                        .offset();
            }
            assertThat(records).isEqualTo(3_000);
        }
        String dbs = HttpClient.newHttpClient()
                .send(
                        TestStack.influxAdmin()
                                .apply(HttpRequest.newBuilder(URI.create(STACK.influxUrl() + "/query?q="
                                        + URLEncoder.encode("SHOW DATABASES", StandardCharsets.UTF_8))))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(dbs).doesNotContain("probe_" + run);
        assertThat(ComponentRates.markdown(rates))
                .contains("| Mosquitto | QoS 1 pub→sub, batches of 500 | 5,000 |", "| InfluxDB /write |");
    }
}

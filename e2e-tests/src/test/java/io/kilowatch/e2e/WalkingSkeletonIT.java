package io.kilowatch.e2e;

import static io.kilowatch.model.testing.InfluxQuery.asDouble;
import static io.kilowatch.model.testing.InfluxQuery.asLong;
import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.records.LateReading;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.ingest.IngestConfig;
import io.kilowatch.ingest.IngestService;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.Topics;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestStack;
import io.kilowatch.sim.fleet.Fleet;
import io.kilowatch.sim.fleet.FleetSimulation;
import io.kilowatch.sim.mqtt.MqttPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path on real servers: simulator → Mosquitto → ingest → Kafka → Flink (MiniCluster,
 * the production pipeline) → InfluxDB. Expected curves are recomputed here, independently, from
 * the simulator's record of exactly what it published.
 */
class WalkingSkeletonIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final int METERS = 50;
    private static final Duration SIMULATED = Duration.ofHours(3);
    private static final Duration MAX_DELAY = Duration.ofSeconds(90);
    private static final double REL_TOLERANCE = 1e-9;

    @Test
    void everyPublishedReadingEndsUpInExactlyTheRightFifteenMinutePoint(@TempDir Path dir) throws Exception {
        String p = TestStack.uniquePrefix("e2e");
        Path record = dir.resolve("published.jsonl");
        Map<org.apache.kafka.common.TopicPartition, Long> startOffsets = KafkaTopics.endOffsets(STACK, Topics.READINGS);
        Map<org.apache.kafka.common.TopicPartition, Long> lateStart = KafkaTopics.endOffsets(STACK, Topics.LATE);

        // 1. Simulator → Mosquitto → ingest → Kafka
        long published;
        try (IngestService ingest = IngestService.start(ingestConfig(p))) {
            published = simulate(p, record);
            Pipeline.awaitForwarded(ingest, published);
            assertThat(ingest.metrics().deadLettered()).isZero();
        }

        // 2. Kafka → Flink (production pipeline, bounded at what is in Kafka now) → InfluxDB
        // The registry knows none of these meters: ask for their 1-minute curves anyway.
        // The simulator publishes as fast as it can over one MQTT connection, so the only disorder
        // in event time is its own 90 s shuffle; the bound has room to spare. (Over several
        // connections, a connection stalled for a second fell minutes of event time behind the
        // others: clean-clone runs saw whole minutes of a meter late even with a 5 min bound.)
        List<LateReading> late = Pipeline.runLoadCurveJob(
                STACK,
                startOffsets,
                Map.of("KW_CURVES_METER_1M_CLASSES", "unregistered", "KW_TIME_OUT_OF_ORDERNESS", "5m"));
        assertThat(late).as("nothing was later than the watermark bound").isEmpty();

        // 3. InfluxDB holds exactly what the published readings say
        List<Reading> sent = readRecord(record);
        assertThat(sent).hasSize((int) published);
        Map<String, List<Reading>> byPoint = sent.stream()
                .collect(Collectors.groupingBy(r -> r.meterId() + "@" + (r.ts() - Math.floorMod(r.ts(), 900_000L))));
        assertThat(byPoint).hasSize(METERS * (int) (SIMULATED.toMinutes() / 15));

        InfluxQuery influx = new InfluxQuery(STACK.influxUrl(), STACK.influxDb());
        List<Map<String, Object>> rows = influx.rows(
                "SELECT kw_avg, kwh, readings, energy_source FROM load WHERE interval = '15m' AND level = 'meter' AND id =~ /^"
                        + p + "-/ GROUP BY id");
        assertThat(rows).hasSize(byPoint.size());
        long readingsInInflux = 0;
        int registerPoints = 0;
        for (Map<String, Object> row : rows) {
            List<Reading> in = byPoint.get(row.get("id") + "@" + asLong(row.get("time")));
            assertThat(in)
                    .as("point %s at %s has published readings", row.get("id"), row.get("time"))
                    .isNotNull();
            double avg = in.stream().mapToDouble(Reading::kw).sum() / in.size();
            assertRelative(asDouble(row.get("kw_avg")), avg);
            if ("register".equals(row.get("energy_source"))) {
                // Readings on the minute: the register at both boundaries is a reading's own, no
                // interpolation; the one at the end is the first reading of the next interval.
                List<Reading> next = byPoint.get(row.get("id") + "@" + (asLong(row.get("time")) + 900_000L));
                double end = next.stream()
                        .min(java.util.Comparator.comparingLong(Reading::ts))
                        .orElseThrow()
                        .importKwh();
                double start = in.stream()
                        .min(java.util.Comparator.comparingLong(Reading::ts))
                        .orElseThrow()
                        .importKwh();
                assertRelative(asDouble(row.get("kwh")), end - start);
                assertThat(asDouble(row.get("kwh")))
                        .as("register and power agree to the register's resolution")
                        .isCloseTo(avg * 0.25, org.assertj.core.data.Offset.offset(0.0011));
                registerPoints++;
            } else {
                assertThat(row.get("energy_source")).isEqualTo("power");
                assertRelative(asDouble(row.get("kwh")), avg * 0.25);
            }
            assertThat(asLong(row.get("readings"))).isEqualTo(in.size());
            readingsInInflux += asLong(row.get("readings"));
        }
        assertThat(readingsInInflux).as("no loss, no double count").isEqualTo(published);
        // Every interval but each meter's last has a register reading after it.
        assertThat(registerPoints).isEqualTo(byPoint.size() - METERS);

        List<Map<String, Object>> oneMinute =
                influx.rows("SELECT sum(readings) FROM load WHERE interval = '1m' AND id =~ /^" + p + "-/");
        assertThat(asLong(oneMinute.get(0).get("sum"))).isEqualTo(published);
        assertThat(KafkaTopics.countKeysWithPrefix(STACK, Topics.LATE, lateStart, p))
                .isZero();
    }

    private static void assertRelative(double actual, double expected) {
        assertThat(Math.abs(actual - expected))
                .as("%s vs %s", actual, expected)
                .isLessThanOrEqualTo(REL_TOLERANCE * Math.max(Math.abs(expected), Double.MIN_NORMAL));
    }

    private static IngestConfig ingestConfig(String p) throws java.io.IOException {
        return Pipeline.ingestConfig(STACK, p + "-ingest");
    }

    private static long simulate(String p, Path record) throws Exception {
        Fleet fleet = new Fleet(p + "-M", METERS, 20241123L, Duration.ofMinutes(1), ZoneOffset.ofHours(8));
        // Recent hours, inside the bridge's accepted horizon and not in the future.
        Instant start = Instant.now()
                .truncatedTo(java.time.temporal.ChronoUnit.HOURS)
                .minus(SIMULATED)
                .minus(Duration.ofHours(1));
        FleetSimulation.Settings s =
                new FleetSimulation.Settings(start, SIMULATED, Duration.ofMinutes(1), 0, MAX_DELAY, 20241123L);
        try (MqttPublisher mqtt = new MqttPublisher(Pipeline.headEnd(STACK), p + "-sim", 1);
                FleetSimulation sim = new FleetSimulation(fleet, s, mqtt::publish, record)) {
            sim.run();
            assertThat(mqtt.awaitAllAcknowledged(Duration.ofSeconds(60))).isTrue();
            assertThat(mqtt.failed()).isZero();
            assertThat(mqtt.acked()).isEqualTo(sim.published());
            return sim.published();
        }
    }

    private static List<Reading> readRecord(Path record) throws Exception {
        ReadingCodec codec = new ReadingCodec();
        List<Reading> out = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(record)) {
            out.add(codec.decodeReading(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        return out;
    }
}

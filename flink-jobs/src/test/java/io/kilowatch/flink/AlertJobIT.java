package io.kilowatch.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.model.Alert;
import io.kilowatch.model.AlertCodec;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.RegistryCodec;
import io.kilowatch.model.RegistryEntry;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The alert job with its production wiring on the real Kafka and InfluxDB: kw.readings (sent twice,
 * as at-least-once delivery may) and kw.registry in; every episode once per run on kw.alerts,
 * keyed by its subject, and in InfluxDB's {@code alerts}; a second run over the same readings (a
 * replay) repeats the same alert ids and leaves InfluxDB as it was. The same as its own job and
 * inside the load-curve job.
 */
class AlertJobIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final long MIN = 60_000;

    /**
     * @param mode {@code separate}: the alert job on its own; {@code with-load-curves}: the
     *     load-curve job runs the rules too, on the readings it reads anyway
     */
    @ParameterizedTest
    @ValueSource(strings = {"separate", "with-load-curves"})
    void episodesReachKafkaAndInfluxOnceAndAReplayRepeatsThem(String mode) throws Exception {
        String p = TestStack.uniquePrefix("alertjob");
        String db = "alertjob_" + p.substring(p.indexOf('-') + 1);
        String readings = "test." + p + ".readings";
        String registry = "test." + p + ".registry";
        String alerts = "test." + p + ".alerts";
        new TestKafka(STACK)
                .createTopics(
                        new NewTopic(readings, 2, (short) 1),
                        new NewTopic(alerts, 2, (short) 1),
                        new NewTopic(registry, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
        InfluxQuery influx = InfluxQuery.scratch(STACK.influxUrl(), db);
        long t0 = Instant.now()
                .truncatedTo(ChronoUnit.HOURS)
                .minus(Duration.ofHours(3))
                .toEpochMilli();
        String m1 = p + "-m1";
        String m2 = p + "-m2";
        String m3 = p + "-m3";
        try {
            try (KafkaProducer<byte[], byte[]> kafka = producer()) {
                RegistryCodec registryCodec = new RegistryCodec();
                for (String m : List.of(m1, m2, m3)) {
                    RegistryEntry e = new RegistryEntry(
                            m, "c-" + m, "residential", "T1", "F1", "north", "res-tou", 8, 400, 230, 1);
                    kafka.send(new ProducerRecord<>(
                                    registry, m.getBytes(StandardCharsets.UTF_8), registryCodec.encode(e)))
                            .get();
                }
                // m1: 10 kW (over its 8 kVA) in minutes 40–49; m2: its register 50 kWh back at minute 30;
                // m3: dark after minute 19. Everything sent twice.
                for (int copy = 0; copy < 2; copy++) {
                    ReadingCodec codec = new ReadingCodec();
                    for (int minute = 0; minute < 70; minute++) {
                        long ts = t0 + minute * MIN;
                        List<Reading> batch = new ArrayList<>();
                        batch.add(Reading.of(m1, ts, minute >= 40 && minute < 50 ? 10 : 5));
                        batch.add(Reading.of(m2, ts, 1).withImportKwh(1000 + minute * 0.02 - (minute >= 30 ? 50 : 0)));
                        if (minute < 20) {
                            batch.add(Reading.of(m3, ts, 1));
                        }
                        for (Reading r : batch) {
                            kafka.send(new ProducerRecord<>(
                                    readings, r.meterId().getBytes(StandardCharsets.UTF_8), codec.encode(r)));
                        }
                    }
                }
                kafka.flush();
            }

            List<Object> expected = List.of(
                    tuple(m2, "tamper", Alert.State.OPEN, t0 + 30 * MIN),
                    tuple(m3, "meter_offline", Alert.State.OPEN, t0 + 34 * MIN),
                    tuple(m1, "over_capacity", Alert.State.OPEN, t0 + 42 * MIN),
                    tuple(m1, "over_capacity", Alert.State.RESOLVED, t0 + 55 * MIN));

            runBounded(mode, p + "-run1", readings, registry, alerts, db);
            List<ConsumerRecord<byte[], byte[]>> first = readAll(alerts);
            assertThat(first)
                    .allSatisfy(r -> assertThat(new String(r.key(), StandardCharsets.UTF_8))
                            .isEqualTo(new AlertCodec().decode(r.value()).subjectId()));
            List<Alert> firstAlerts = decode(first);
            assertThat(firstAlerts)
                    .extracting(Alert::subjectId, Alert::type, Alert::state, Alert::ts)
                    .containsExactlyInAnyOrderElementsOf(expected.stream()
                            .map(o -> (org.assertj.core.groups.Tuple) o)
                            .toList());
            assertThat(influx.rows("SELECT state, alert_id, value FROM alerts")).hasSize(4);
            List<Map<String, Object>> now = influx.rows("SELECT last(state) AS state FROM alerts GROUP BY id, type");
            assertThat(now)
                    .extracting(r -> r.get("id") + " " + r.get("type") + " " + r.get("state"))
                    .containsExactlyInAnyOrder(
                            m1 + " over_capacity RESOLVED", m2 + " tamper OPEN", m3 + " meter_offline OPEN");

            // A replay: the same episodes with the same ids; InfluxDB's points are overwritten, not added.
            runBounded(mode, p + "-run2", readings, registry, alerts, db);
            List<Alert> all = decode(readAll(alerts));
            assertThat(all).hasSize(8);
            assertThat(all.stream().map(Alert::alertId).distinct())
                    .containsExactlyInAnyOrderElementsOf(
                            firstAlerts.stream().map(Alert::alertId).distinct().toList());
            assertThat(influx.rows("SELECT state, alert_id, value FROM alerts")).hasSize(4);
            if (mode.equals("with-load-curves")) {
                // One source for both: m1's curve is there too (70 readings, each counted once).
                assertThat(influx.rows(
                                "SELECT sum(readings) FROM load WHERE level = 'meter' AND interval = '15m' AND id = '"
                                        + m1 + "'"))
                        .singleElement()
                        .satisfies(r ->
                                assertThat(InfluxQuery.asLong(r.get("sum"))).isEqualTo(70));
            }
        } finally {
            influx.close();
        }
    }

    private static void runBounded(
            String mode, String group, String readings, String registry, String alerts, String db) throws Exception {
        JobConfig config = JobConfig.load(
                null,
                STACK.jobEnvironment(
                        db,
                        "KW_KAFKA_TOPIC_READINGS",
                        readings,
                        "KW_KAFKA_TOPIC_REGISTRY",
                        registry,
                        "KW_KAFKA_TOPIC_ALERTS",
                        alerts,
                        "KW_ALERTS_GROUP_ID",
                        group,
                        "KW_KAFKA_GROUP_ID",
                        group,
                        "KW_ALERTS_WITH_LOAD_CURVES",
                        Boolean.toString(mode.equals("with-load-curves")),
                        "KW_KAFKA_START_FROM",
                        "earliest",
                        "KW_JOB_BOUNDED",
                        "true"));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.baseConfiguration());
        // One subtask: a meter that went dark is declared offline once other meters' readings
        // show the time has passed, which needs them on the same subtask in a three-meter test.
        env.setParallelism(1);
        if (mode.equals("separate")) {
            AlertJob.fromConfig(config).execute(env);
        } else {
            LoadCurveJob.fromConfig(config).execute(env);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new TestKafka(STACK).producer();
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return new TestKafka(STACK).readToEnd(topic, true);
    }

    private static List<Alert> decode(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        AlertCodec codec = new AlertCodec();
        List<Alert> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            out.add(codec.decode(r.value()));
        }
        return out;
    }
}

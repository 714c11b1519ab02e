package io.kilowatch.flink;

import static io.kilowatch.model.testing.InfluxQuery.asDouble;
import static io.kilowatch.model.testing.InfluxQuery.asLong;
import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.io.LateReadingSerializationSchema;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #4, duplicates and lateness, with the production wiring (Kafka source, InfluxDB sink,
 * kw.late sink) on topics of its own: a concentrator's batch ~100 minutes late corrects the
 * 15-minute point it belongs to; a reading 5.5 hours late lands in the late topic and changes
 * nothing.
 */
class LatenessIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();
    private final ReadingCodec codec = new ReadingCodec();

    @Test
    void aBatchNinetyMinutesLateCorrectsItsIntervalAndFiveHoursLateGoesToTheLateTopic() throws Exception {
        String p = TestStack.uniquePrefix("late");
        String readingsTopic = "test." + p + ".readings";
        String lateTopic = "test." + p + ".late";
        new TestKafka(STACK)
                .createTopics(new NewTopic(readingsTopic, 1, (short) 1), new NewTopic(lateTopic, 1, (short) 1));
        JobConfig config = JobConfig.load(
                null,
                STACK.jobEnvironment(
                        STACK.influxDb(),
                        "KW_KAFKA_TOPIC_READINGS",
                        readingsTopic,
                        "KW_KAFKA_TOPIC_LATE",
                        lateTopic,
                        "KW_KAFKA_GROUP_ID",
                        p,
                        "KW_KAFKA_START_FROM",
                        "earliest"));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.baseConfiguration());
        env.setParallelism(1);
        env.enableCheckpointing(2_000);
        LoadCurveJob.fromConfig(config).build(env);
        JobClient job = env.executeAsync("lateness test");

        long t0 = Instant.now()
                .truncatedTo(ChronoUnit.HOURS)
                .minus(Duration.ofHours(8))
                .toEpochMilli();
        long batchInterval = t0 + Duration.ofHours(4).toMillis();
        InfluxQuery influx = new InfluxQuery(STACK.influxUrl(), STACK.influxDb());
        try (KafkaProducer<byte[], byte[]> kafka = new TestKafka(STACK).producer()) {
            // Six hours of one reading a minute; the concentrator meter m2 is missing the odd
            // minutes of one interval: its batch has not arrived yet.
            List<Reading> batch = new ArrayList<>();
            for (int minute = 0; minute < 360; minute++) {
                long ts = t0 + minute * 60_000L;
                send(kafka, readingsTopic, Reading.of(p + "-m1", ts, 2.0));
                Reading m2 = Reading.of(p + "-m2", ts, 1.0 + (minute % 15) / 10.0);
                if (ts >= batchInterval && ts < batchInterval + 900_000 && minute % 2 == 1) {
                    batch.add(m2);
                } else {
                    send(kafka, readingsTopic, m2);
                }
            }
            kafka.flush();
            Map<String, Object> before = await(influx, p + "-m2", batchInterval, r -> asLong(r.get("readings")) == 8);
            assertThat(asDouble(before.get("kw_avg")))
                    .isCloseTo(
                            (1.0 + 1.2 + 1.4 + 1.6 + 1.8 + 2.0 + 2.2 + 2.4) / 8,
                            org.assertj.core.data.Offset.offset(1e-12));

            // The batch arrives: the watermark is near t0+6h, its interval closed at t0+4h15m,
            // ~100 minutes ago, inside the 2 h allowed lateness of 15-minute windows.
            for (Reading r : batch) {
                send(kafka, readingsTopic, r);
            }
            // And a reading 5.5 hours late: beyond every allowed lateness.
            Reading tooLate = Reading.of(p + "-m1", t0 + 30 * 60_000L + 30_000L, 99.0);
            send(kafka, readingsTopic, tooLate);
            kafka.flush();

            double allFifteen = 0;
            for (int m = 0; m < 15; m++) {
                allFifteen += 1.0 + m / 10.0;
            }
            double expectedAvg = allFifteen / 15;
            Map<String, Object> after = await(influx, p + "-m2", batchInterval, r -> asLong(r.get("readings")) == 15);
            assertThat(asDouble(after.get("kw_avg")))
                    .isCloseTo(expectedAvg, org.assertj.core.data.Offset.offset(1e-12));
            assertThat(asDouble(after.get("kwh")))
                    .isCloseTo(expectedAvg * 0.25, org.assertj.core.data.Offset.offset(1e-12));

            Map<String, List<String>> late = lateRecords(lateTopic, 2 + batch.size());
            assertThat(late.get(p + "-m1@" + tooLate.ts()))
                    .as("5.5 h late: late for both intervals")
                    .containsExactlyInAnyOrder("1m", "15m");
            for (Reading r : batch) {
                // 1-minute windows allow no lateness by default; the 15-minute one took them.
                assertThat(late.get(p + "-m2@" + r.ts())).containsExactly("1m");
            }
            Map<String, Object> untouched = await(influx, p + "-m1", t0 + 30 * 60_000L, r -> true);
            assertThat(asLong(untouched.get("readings"))).isEqualTo(15);
            assertThat(asDouble(untouched.get("kw_avg"))).isEqualTo(2.0);
        } finally {
            job.cancel().get();
        }
    }

    private void send(KafkaProducer<byte[], byte[]> kafka, String topic, Reading r) {
        kafka.send(new ProducerRecord<>(topic, r.meterId().getBytes(StandardCharsets.UTF_8), codec.encode(r)));
    }

    private static Map<String, Object> await(
            InfluxQuery influx, String id, long windowStart, Predicate<Map<String, Object>> done) throws Exception {
        String q = "SELECT kw_avg, kwh, readings FROM load WHERE interval = '15m' AND id = '" + id + "' AND time = "
                + windowStart + "ms";
        long deadline = System.currentTimeMillis() + 90_000;
        List<Map<String, Object>> rows = List.of();
        while (System.currentTimeMillis() < deadline) {
            rows = influx.rows(q);
            if (!rows.isEmpty() && done.test(rows.get(0))) {
                return rows.get(0);
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no point as expected for " + id + " at " + windowStart + "; last seen " + rows);
    }

    /** meterId@ts → interval headers, reading the whole late topic until {@code n} records are there. */
    private Map<String, List<String>> lateRecords(String topic, int n) throws Exception {
        Map<String, List<String>> out = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new TestKafka(STACK).consumer()) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            int seen = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (seen < n && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(250))) {
                    Reading reading = codec.decodeReading(r.value());
                    String interval = new String(
                            r.headers()
                                    .lastHeader(LateReadingSerializationSchema.INTERVAL_HEADER)
                                    .value(),
                            StandardCharsets.UTF_8);
                    out.computeIfAbsent(reading.meterId() + "@" + reading.ts(), k -> new ArrayList<>())
                            .add(interval);
                    seen++;
                }
            }
        }
        return out;
    }
}

package io.kilowatch.flink;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #4, restart and backfill, with the production wiring ({@link LoadCurveJob#fromConfig}):
 * a run that fails after a checkpoint and recovers ends with the same InfluxDB contents as a
 * clean run, point for point; a backfill recomputes its range, and only its range.
 */
class RecoveryAndBackfillIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final int METERS = 20;
    private static final int MINUTES = 180;

    @Test
    void aFailedAndRecoveredRunEqualsACleanRunAndABackfillRewritesOnlyItsRange(@TempDir Path dir) throws Exception {
        String p = TestStack.uniquePrefix("recov");
        String topic = "test." + p + ".readings";
        String hex = p.substring(p.indexOf('-') + 1);
        String cleanDb = "recov_clean_" + hex;
        String failedDb = "recov_failed_" + hex;
        long t0 = Instant.now()
                .truncatedTo(ChronoUnit.HOURS)
                .minus(Duration.ofHours(4))
                .toEpochMilli();
        produce(topic, p, t0);
        InfluxQuery clean = InfluxQuery.scratch(STACK.influxUrl(), cleanDb);
        InfluxQuery failed = InfluxQuery.scratch(STACK.influxUrl(), failedDb);
        try {
            run(config(topic, cleanDb, p + "-clean", Map.of()), new SlowDown(null, 0));
            Path marker = dir.resolve("failed-once");
            run(config(topic, failedDb, p + "-failed", Map.of()), new SlowDown(marker.toString(), 600));
            assertThat(marker).as("the failure was really injected").exists();
            long replayed = Files.readAllLines(Path.of(marker + ".retried")).stream()
                    .mapToLong(Long::parseLong)
                    .sum();
            org.slf4j.LoggerFactory.getLogger(RecoveryAndBackfillIT.class)
                    .info(
                            "{}: failed once after a checkpoint; the retry processed {} of {} readings",
                            p,
                            replayed,
                            METERS * MINUTES);
            assertThat(replayed)
                    .as("the retry started from a checkpoint, not from the first reading")
                    .isPositive()
                    .isLessThan((long) METERS * MINUTES);

            Map<String, Map<String, Object>> expected = points(clean);
            // Every meter at 15 minutes (none is configured for 1-minute curves) and, the registry
            // knowing none of them, the "unregistered" class at both intervals.
            assertThat(expected).hasSize(METERS * MINUTES / 15 + MINUTES + MINUTES / 15);
            assertThat(expected.keySet())
                    .filteredOn(k -> k.startsWith("class|unregistered|15m|"))
                    .hasSize(MINUTES / 15);
            assertThat(points(failed))
                    .as("recovered from its checkpoint: same points, same values")
                    .isEqualTo(expected);

            // Backfill [t0+1h, t0+2h): a point inside is restored, a point outside is not touched.
            long inside = t0 + Duration.ofMinutes(75).toMillis();
            long outside = t0 + Duration.ofMinutes(135).toMillis();
            clean.write("load,id=" + p + "-m3,interval=15m,level=meter kw_avg=-1 " + inside + "\n" + "load,id=" + p
                    + "-m3,interval=15m,level=meter kw_avg=-1 " + outside + "\n");
            run(
                    config(
                            topic,
                            cleanDb,
                            p + "-clean",
                            Map.of(
                                    "KW_BACKFILL_FROM",
                                            Instant.ofEpochMilli(t0 + 3_600_000L)
                                                    .toString(),
                                    "KW_BACKFILL_TO",
                                            Instant.ofEpochMilli(t0 + 7_200_000L)
                                                    .toString())),
                    new SlowDown(null, 0));
            Map<String, Map<String, Object>> afterBackfill = points(clean);
            String insideKey = "meter|" + p + "-m3|15m|" + inside;
            String outsideKey = "meter|" + p + "-m3|15m|" + outside;
            assertThat(afterBackfill.get(insideKey)).isEqualTo(expected.get(insideKey));
            assertThat(InfluxQuery.asDouble(afterBackfill.get(outsideKey).get("kw_avg")))
                    .isEqualTo(-1.0);
            assertThat(afterBackfill).hasSameSizeAs(expected);
        } finally {
            clean.close();
            failed.close();
        }
    }

    private static JobConfig config(String topic, String db, String group, Map<String, String> extra) throws Exception {
        Map<String, String> env = STACK.jobEnvironment(db);
        env.putAll(extra);
        env.put("KW_KAFKA_TOPIC_READINGS", topic);
        env.put("KW_KAFKA_TOPIC_LATE", topic + ".late");
        env.put("KW_KAFKA_GROUP_ID", group);
        env.put("KW_KAFKA_START_FROM", "earliest");
        env.put("KW_JOB_BOUNDED", "true");
        return JobConfig.load(null, env);
    }

    private static void run(JobConfig config, SlowDown afterSource) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.baseConfiguration());
        env.setParallelism(2);
        env.enableCheckpointing(200);
        LoadCurveJob.fromConfig(config)
                .withAfterSource(s -> s.map(afterSource).name("slow down / fail once"))
                .execute(env);
    }

    private static void produce(String topic, String p, long t0) throws Exception {
        new TestKafka(STACK)
                .createTopics(new NewTopic(topic, 2, (short) 1), new NewTopic(topic + ".late", 1, (short) 1));
        ReadingCodec codec = new ReadingCodec();
        try (KafkaProducer<byte[], byte[]> kafka = new TestKafka(STACK).producer()) {
            for (int minute = 0; minute < MINUTES; minute++) {
                for (int m = 0; m < METERS; m++) {
                    Reading r =
                            Reading.of(p + "-m" + m, t0 + minute * 60_000L, 0.1 + ((m * 37 + minute * 11) % 97) / 7.0);
                    kafka.send(
                            new ProducerRecord<>(topic, r.meterId().getBytes(StandardCharsets.UTF_8), codec.encode(r)));
                }
            }
        }
    }

    /** level|id|interval|time → fields, for every load point in the database. */
    private static Map<String, Map<String, Object>> points(InfluxQuery influx) throws Exception {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (Map<String, Object> row : influx.rows("SELECT * FROM load GROUP BY *")) {
            Map<String, Object> fields = new HashMap<>(row);
            String key = fields.remove("level") + "|" + fields.remove("id") + "|" + fields.remove("interval") + "|"
                    + fields.remove("time");
            out.put(key, fields);
        }
        return out;
    }

    /**
     * Slows the stream so checkpoints complete while it runs and, given a marker path, fails
     * once: after a completed checkpoint and {@code failAfter} readings, the first subtask to
     * create the marker throws. The marker proves to the test that the failure happened.
     */
    static final class SlowDown extends RichMapFunction<Reading, Reading> implements CheckpointListener {
        private final String marker;
        private final int failAfter;
        private transient int seen;
        private transient boolean checkpointed;

        SlowDown(String marker, int failAfter) {
            this.marker = marker;
            this.failAfter = failAfter;
        }

        @Override
        public void open(OpenContext ctx) {
            seen = 0;
            checkpointed = false;
        }

        @Override
        public Reading map(Reading r) throws Exception {
            Thread.sleep(1);
            seen++;
            if (marker != null && seen >= failAfter && checkpointed) {
                try {
                    Files.createFile(Path.of(marker));
                    throw new IllegalStateException("injected failure after a checkpoint (test)");
                } catch (FileAlreadyExistsException alreadyFailedOnce) {
                    // fail once only
                }
            }
            return r;
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) {
            checkpointed = true;
        }

        /** A retried attempt writes how many readings it processed: fewer than all means it resumed from a checkpoint. */
        @Override
        public void close() throws Exception {
            if (marker != null && getRuntimeContext().getTaskInfo().getAttemptNumber() > 0) {
                Files.writeString(
                        Path.of(marker + ".retried"),
                        seen + "\n",
                        StandardCharsets.UTF_8,
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            }
        }
    }
}

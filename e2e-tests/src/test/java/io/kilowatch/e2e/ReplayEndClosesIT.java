package io.kilowatch.e2e;

import static io.kilowatch.model.testing.InfluxQuery.asDouble;
import static io.kilowatch.model.testing.InfluxQuery.asLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.LoadCurveJob;
import io.kilowatch.flink.curves.LoadCurveStage;
import io.kilowatch.flink.io.ReadingDeserializationSchema;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.flink.wiring.Connectors;
import io.kilowatch.flink.wiring.EventTime;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.ingest.IngestService;
import io.kilowatch.model.Reading;
import io.kilowatch.model.Topics;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestStack;
import io.kilowatch.sim.ReplayCommand;
import io.kilowatch.sim.SimulatorMain;
import io.kilowatch.sim.replay.RecordedFormats;
import io.kilowatch.sim.replay.RecordedRow;
import io.kilowatch.sim.replay.Replay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of a replay closes its last interval in a live (unbounded) job when
 * {@code time.close-after-idle} is set: a real household's day replayed through the bridge, and
 * the job, still running, writes the day's last quarter hour within seconds of the replay's end,
 * with no made-up reading after it.
 */
class ReplayEndClosesIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final Path HOUSEHOLD =
            Path.of(System.getProperty("kw.shared.data", "../../shared/data"), "lcl-london-sample", "MAC000002.csv");

    @Test
    void aLiveJobClosesTheLastIntervalOnceTheReplayHasStopped(@TempDir Path dir) throws Exception {
        String p = TestStack.uniquePrefix("close");
        Instant from = Instant.parse("2013-06-03T00:00:00Z");
        Instant to = Instant.parse("2013-06-04T00:00:00Z");
        var start = KafkaTopics.endOffsets(STACK, Topics.READINGS);
        JobConfig config = JobConfig.load(
                null,
                STACK.jobEnvironment(STACK.influxDb(), "KW_TIME_IDLENESS", "20s", "KW_TIME_CLOSE_AFTER_IDLE", "5s"));
        KafkaSource<Reading> live = KafkaSource.<Reading>builder()
                .setBootstrapServers(STACK.kafkaBootstrap())
                .setTopics(Topics.READINGS)
                .setGroupId(p)
                .setStartingOffsets(OffsetsInitializer.offsets(start))
                .setValueOnlyDeserializer(new ReadingDeserializationSchema())
                .build();
        StreamExecutionEnvironment flink =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.baseConfiguration());
        flink.setParallelism(2);
        new LoadCurveJob(
                        live,
                        Connectors.emptyRegistry(),
                        EventTime.from(config),
                        new LoadCurveStage(
                                LoadCurveStage.Params.from(config), Connectors.influx(config), new DiscardingSink<>()))
                .build(flink);
        JobClient job = flink.executeAsync("live job, closing after idle");
        try {
            Path record = dir.resolve("r.jsonl");
            try (IngestService ingest = IngestService.start(Pipeline.ingestConfig(STACK, p + "-ingest"))) {
                assertThat(SimulatorMain.commandLine(new ReplayCommand())
                                .execute(
                                        "--format",
                                        "lcl",
                                        "--from",
                                        from.toString(),
                                        "--to",
                                        to.toString(),
                                        "--id-prefix",
                                        p + "-",
                                        "--mqtt-url",
                                        STACK.mqttUrl(),
                                        "--record",
                                        record.toString(),
                                        HOUSEHOLD.toString()))
                        .isZero();
                Pipeline.awaitForwarded(ingest, Files.readAllLines(record).size());
            }
            List<RecordedRow> rows = RecordedFormats.lcl(HOUSEHOLD, from, to);
            long shift = Replay.recentShift(to.toEpochMilli(), System.currentTimeMillis());
            long lastQuarter = to.toEpochMilli() - 900_000 + shift;
            InfluxQuery influx = new InfluxQuery(STACK.influxUrl(), STACK.influxDb());
            String q = "SELECT kwh, readings FROM load WHERE level = 'meter' AND interval = '15m' AND id = '" + p
                    + "-MAC000002'";
            long deadline = System.currentTimeMillis() + 90_000;
            List<Map<String, Object>> points = influx.rows(q);
            while (points.stream().noneMatch(r -> asLong(r.get("time")) == lastQuarter)
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
                points = influx.rows(q);
            }
            assertThat(points)
                    .as("the day's 96 quarter hours, the last one closed by the quiet after the replay")
                    .hasSize(96)
                    .anySatisfy(r -> assertThat(asLong(r.get("time"))).isEqualTo(lastQuarter));
            assertThat(points.stream().mapToDouble(r -> asDouble(r.get("kwh"))).sum())
                    .isCloseTo(rows.stream().mapToDouble(RecordedRow::kwh).sum(), within(1e-6));
        } finally {
            job.cancel().get();
        }
    }
}

package io.kilowatch.e2e;

import static io.kilowatch.model.testing.InfluxQuery.asDouble;
import static io.kilowatch.model.testing.InfluxQuery.asLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.LoadCurveJob;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.model.DeadLetterHeaders;
import io.kilowatch.model.Topics;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestStack;
import io.kilowatch.sim.ImportCommand;
import io.kilowatch.sim.SimulatorMain;
import io.kilowatch.sim.replay.RecordedFormats;
import io.kilowatch.sim.replay.RecordedRow;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Importing history (docs/importing-history.md): three weeks of ten real London households
 * (2013, as recorded, not moved to recent days) and a utility's plain CSV with bad rows go
 * straight to kw.readings with the {@code import} command; then {@code --backfill} computes the
 * range with the production wiring. kw.readings already holds the other tests' live data of
 * today, before and after the import: the backfill's event time follows only its range's
 * readings, so none of the imported ones is late. Every household's energy comes back to the
 * Wh, the last quarter hour is closed by the end of the input, history's alerts are computed
 * (and sent to no customer), and the import's counts reconcile with what Kafka holds.
 */
class ImportHistoryIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final Path DATA =
            Path.of(System.getProperty("kw.shared.data", "../../shared/data"), "lcl-london-sample");
    private static final Instant FROM = Instant.parse("2013-06-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2013-06-22T00:00:00Z");

    @Test
    void weeksOfLondonHouseholdsImportedAndBackfilledAddUpToTheWhAndEveryRowIsAccountedFor(@TempDir Path dir)
            throws Exception {
        String p = TestStack.uniquePrefix("import");
        String db = "import_" + p.substring(p.indexOf('-') + 1);
        List<Path> households;
        try (Stream<Path> files = Files.list(DATA)) {
            households =
                    files.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
        }
        Path csv = dir.resolve(p + "-mdm.csv");
        Files.writeString(
                csv,
                String.join(
                                "\n",
                                "meterId,ts,kW,importKwh",
                                "csv1,2013-06-01T00:30:00Z,3,",
                                "csv1,2013-06-01T00:00:00Z,1,",
                                "csv1,2013-06-01T00:15:00Z,2,",
                                "csv1,1370047500000,4,", // 00:45 as epoch ms
                                "csv1,2013-06-01T01:00:00Z,four,", // WRONG_TYPE
                                "csv1,2013-06-01T01:15:00Z,1,2,3", // BAD_ROW
                                "csv1,1370047500,1,", // epoch seconds → 1970: TIMESTAMP_TOO_OLD
                                "csv/2,2013-06-01T00:00:00Z,1,") // BAD_ID
                        + "\n");
        Map<TopicPartition, Long> readingsBefore = KafkaTopics.endOffsets(STACK, Topics.READINGS);
        Map<TopicPartition, Long> dlqBefore = KafkaTopics.endOffsets(STACK, Topics.READINGS_DLQ);

        String lcl = importFiles("lcl", p + "-", households);
        String plain = importFiles("csv", p + "-", List.of(csv));
        long householdReadings = 0;
        for (Path h : households) {
            householdReadings += 2L * RecordedFormats.lcl(h, FROM, TO).size();
        }
        assertThat(lcl)
                .contains(String.format(
                        "read %,d = accepted %,d + dead-lettered 0 + outside range 0",
                        householdReadings, householdReadings));
        assertThat(plain)
                .contains("read 8 = accepted 4 + dead-lettered 4 + outside range 0")
                .containsPattern("dead-lettered WRONG_TYPE +1")
                .containsPattern("dead-lettered BAD_ROW +1")
                .containsPattern("dead-lettered TIMESTAMP_TOO_OLD +1")
                .containsPattern("dead-lettered BAD_ID +1")
                .contains("acknowledged by Kafka: 4 readings");
        // What Kafka holds reconciles with the report: every accepted reading once, every reject with its reason.
        assertThat(KafkaTopics.countKeysWithPrefix(STACK, Topics.READINGS, readingsBefore, p + "-"))
                .isEqualTo(householdReadings + 4);
        Map<String, String> reasons = deadLetters(dlqBefore, "import:" + csv.getFileName());
        assertThat(reasons)
                .containsOnly(
                        Map.entry("import:" + csv.getFileName() + ":6", "WRONG_TYPE"),
                        Map.entry("import:" + csv.getFileName() + ":7", "BAD_ROW"),
                        Map.entry("import:" + csv.getFileName() + ":8", "TIMESTAMP_TOO_OLD"),
                        Map.entry("import:" + csv.getFileName() + ":9", "BAD_ID"));

        InfluxQuery influx = InfluxQuery.scratch(STACK.influxUrl(), db);
        try {
            backfill(p, db);
            for (Path household : households) {
                String id = p + "-" + household.getFileName().toString().replace(".csv", "");
                List<RecordedRow> rows = RecordedFormats.lcl(household, FROM, TO);
                double fileKwh = rows.stream().mapToDouble(RecordedRow::kwh).sum();
                List<Map<String, Object>> points = points(influx, id);
                double measured = points.stream()
                        .filter(r -> asLong(r.get("estimated")) == 0)
                        .mapToDouble(r -> asDouble(r.get("kwh")))
                        .sum();
                assertThat(measured)
                        .as(id + ": the imported weeks' energy = the file's")
                        .isCloseTo(fileKwh, within(1e-6));
                assertThat(points.stream()
                                .mapToLong(r -> asLong(r.get("readings")))
                                .sum())
                        .as(id)
                        .isEqualTo(2L * rows.size());
                long lastRow = rows.stream().mapToLong(RecordedRow::start).max().orElseThrow();
                assertThat(points)
                        .as(id + ": the last quarter hour, closed by the end of the input")
                        .anySatisfy(r -> assertThat(asLong(r.get("time"))).isEqualTo(lastRow + 900_000));
                assertThat(influx.rows("SELECT kwh FROM daily_kpi WHERE level = 'meter' AND id = '" + id + "'"))
                        .as(
                                id
                                        + ": a KPI for each whole day of the range in the KPI zone (UTC+8: 2 to 21 June), the last one too")
                        .hasSize(20);
            }
            List<Map<String, Object>> csvPoints = points(influx, p + "-csv1");
            assertThat(csvPoints).extracting(r -> asDouble(r.get("kwh"))).containsExactly(0.25, 0.5, 0.75, 1.0);

            // History's alerts: MAC000009's four and a half silent hours on 16 June (its last reading
            // 16:45, the next 21:30) are one offline alert, opened three of its 15-minute reading
            // periods after the last reading (docs/alerts.md) and resolved
            // by the next one; the end of the input is not an outage.
            List<Map<String, Object>> alerts =
                    influx.rows("SELECT state, type, id FROM alerts WHERE id =~ /^" + p + "-/");
            assertThat(alerts)
                    .filteredOn(r -> r.get("id").equals(p + "-MAC000009")
                            && r.get("type").equals("meter_offline"))
                    .extracting(r -> r.get("state") + "@" + Instant.ofEpochMilli(asLong(r.get("time"))))
                    .containsExactly("OPEN@2013-06-16T17:30:00Z", "RESOLVED@2013-06-16T21:30:00Z");
            assertThat(alerts).allSatisfy(r -> assertThat(asLong(r.get("time"))).isLessThan(TO.toEpochMilli()));
            assertThat(alerts).noneSatisfy(r -> assertThat(r.get("type")).isEqualTo("pipeline_silent"));
        } finally {
            influx.close();
        }
    }

    private static String importFiles(String format, String prefix, List<Path> files) {
        List<String> args = new ArrayList<>(List.of(
                "--format",
                format,
                "--id-prefix",
                prefix,
                "--kafka",
                STACK.kafkaBootstrap(),
                "--from",
                FROM.toString(),
                "--to",
                TO.toString()));
        files.forEach(f -> args.add(f.toString()));
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        PrintStream console = System.out;
        System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = SimulatorMain.commandLine(new ImportCommand()).execute(args.toArray(String[]::new));
        } finally {
            System.setOut(console);
        }
        String out = buffer.toString(StandardCharsets.UTF_8);
        console.print(out);
        assertThat(exit).as(out).isZero();
        return out;
    }

    /** The production backfill ({@code --backfill FROM TO}) on the shared kw.readings, into database {@code db}. */
    private static void backfill(String p, String db) throws Exception {
        Map<String, String> env = STACK.jobEnvironment(db);
        env.put("KW_KAFKA_GROUP_ID", p);
        env.put("KW_TARIFFS_ENABLED", "false"); // the households are on no plan: no bills to compute
        env.put("KW_BACKFILL_FROM", FROM.toString());
        env.put("KW_BACKFILL_TO", TO.toString());
        JobConfig config = JobConfig.load(null, env);
        StreamExecutionEnvironment flink =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.baseConfiguration());
        flink.setParallelism(2);
        LoadCurveJob.fromConfig(config).execute(flink);
    }

    /** Dead-letter records after {@code from} whose key (source) starts with {@code source}: key → reason header. */
    private static Map<String, String> deadLetters(Map<TopicPartition, Long> from, String source) {
        Map<String, String> out = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : KafkaTopics.keyedWithPrefix(STACK, Topics.READINGS_DLQ, from, source)) {
            out.put(
                    new String(r.key(), StandardCharsets.UTF_8),
                    new String(r.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<Map<String, Object>> points(InfluxQuery influx, String id) throws Exception {
        return influx.rows(
                "SELECT kwh, readings, estimated FROM load WHERE level = 'meter' AND interval = '15m' AND id = '" + id
                        + "'");
    }
}

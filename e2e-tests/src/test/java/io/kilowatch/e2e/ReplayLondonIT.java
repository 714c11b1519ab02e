package io.kilowatch.e2e;

import static io.kilowatch.model.testing.InfluxQuery.asDouble;
import static io.kilowatch.model.testing.InfluxQuery.asLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.ingest.IngestConfig;
import io.kilowatch.ingest.IngestService;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.Topics;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestStack;
import io.kilowatch.sim.ReplayCommand;
import io.kilowatch.sim.SimulatorMain;
import io.kilowatch.sim.replay.RecordedFormats;
import io.kilowatch.sim.replay.RecordedRow;
import io.kilowatch.sim.replay.Replay;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real meter data through the whole path: ten London households (Low Carbon London, 2013,
 * half-hourly kWh, ../shared/data) replayed by the simulator's {@code replay} command over MQTT,
 * through the bridge and Kafka into the load-curve job and InfluxDB. Each household's measured
 * 15-minute energy adds back up to its file's total for the replayed days; a missing half hour is
 * filled and marked estimated (short gap), a missing afternoon stays empty (long gap); nothing
 * is invented.
 */
class ReplayLondonIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final Path DATA =
            Path.of(System.getProperty("kw.shared.data", "../../shared/data"), "lcl-london-sample");

    @Test
    void londonHouseholdsEnergyAddsUpAndGapsAreMarkedOrLeftEmpty(@TempDir Path dir) throws Exception {
        String p = TestStack.uniquePrefix("lcl");
        List<Path> households;
        try (Stream<Path> files = Files.list(DATA)) {
            households =
                    files.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
        }
        assertThat(households).hasSize(10);
        var startOffsets = KafkaTopics.endOffsets(STACK, Topics.READINGS);
        // Recent days, as the bridge accepts readings up to seven days old; in event-time order
        // in Kafka, as meters would send them. First MAC000009 alone, missing 4.5 hours on
        // 16 June, moved to end four days before the last day; then all ten households for three
        // days, MAC000063 missing the half hour from 2013-05-31 08:00, moved into the last days.
        Instant fromA = Instant.parse("2013-05-30T00:00:00Z");
        Instant toA = Instant.parse("2013-06-02T00:00:00Z");
        Instant fromB = Instant.parse("2013-06-16T00:00:00Z");
        Instant toB = Instant.parse("2013-06-17T12:00:00Z");
        long shiftB = Replay.recentShift(toB.toEpochMilli(), System.currentTimeMillis()) - 4 * 86_400_000L;
        Path recordA = dir.resolve("a.jsonl");
        Path recordB = dir.resolve("b.jsonl");
        long published;
        try (IngestService ingest = IngestService.start(Pipeline.ingestConfig(STACK, p + "-ingest"))) {
            assertThat(replay(
                            List.of(DATA.resolve("MAC000009.csv")),
                            fromB,
                            toB,
                            p + "-b-",
                            recordB,
                            java.time.Duration.ofMillis(shiftB).toString()))
                    .isZero();
            assertThat(replay(households, fromA, toA, p + "-a-", recordA, "auto"))
                    .isZero();
            published = Files.readAllLines(recordA).size()
                    + Files.readAllLines(recordB).size();
            Pipeline.awaitForwarded(ingest, published);
            assertThat(ingest.metrics().deadLettered()).isZero();
        }
        assertThat(Pipeline.runLoadCurveJob(STACK, startOffsets, Map.of())).isEmpty();

        InfluxQuery influx = new InfluxQuery(STACK.influxUrl(), STACK.influxDb());
        long shiftA = shift(recordA, households.get(0), fromA);
        for (Path household : households) {
            String id = household.getFileName().toString().replace(".csv", "");
            double fileKwh = RecordedFormats.lcl(household, fromA, toA).stream()
                    .mapToDouble(RecordedRow::kwh)
                    .sum();
            List<Map<String, Object>> points = points(influx, p + "-a-" + id);
            double measured = points.stream()
                    .filter(r -> asLong(r.get("estimated")) == 0)
                    .mapToDouble(r -> asDouble(r.get("kwh")))
                    .sum();
            assertThat(measured)
                    .as(id + ": measured 15-minute energy = the file's")
                    .isCloseTo(fileKwh, within(1e-6));
            long readings =
                    points.stream().mapToLong(r -> asLong(r.get("readings"))).sum();
            assertThat(readings)
                    .as(id)
                    .isEqualTo(2L * RecordedFormats.lcl(household, fromA, toA).size());
        }
        // MAC000063's missing half hour: two estimated quarter hours, no measured point.
        long gap = Instant.parse("2013-05-31T08:00:00Z").toEpochMilli() + shiftA;
        List<Map<String, Object>> filled = points(influx, p + "-a-MAC000063").stream()
                .filter(r -> asLong(r.get("time")) == gap || asLong(r.get("time")) == gap + 900_000)
                .toList();
        assertThat(filled).hasSize(2).allSatisfy(r -> {
            assertThat(asLong(r.get("estimated"))).isEqualTo(1);
            assertThat(asLong(r.get("readings"))).isZero();
        });

        // MAC000009's 4.5 missing hours: eighteen quarter hours with no point at all.
        assertThat(shift(recordB, DATA.resolve("MAC000009.csv"), fromB)).isEqualTo(shiftB);
        List<Map<String, Object>> b = points(influx, p + "-b-MAC000009");
        Set<Long> times = b.stream().map(r -> asLong(r.get("time"))).collect(Collectors.toSet());
        long missingFrom = Instant.parse("2013-06-16T17:00:00Z").toEpochMilli() + shiftB;
        for (int q = 0; q < 18; q++) {
            assertThat(times).as("quarter %d of the long gap", q).doesNotContain(missingFrom + q * 900_000L);
        }
        assertThat(times).contains(missingFrom - 900_000, missingFrom + 18 * 900_000L);
        double fileB = RecordedFormats.lcl(DATA.resolve("MAC000009.csv"), fromB, toB).stream()
                .mapToDouble(RecordedRow::kwh)
                .sum();
        assertThat(b.stream().mapToDouble(r -> asDouble(r.get("kwh"))).sum()).isCloseTo(fileB, within(1e-6));
    }

    /**
     * Ninety households (the ten, each nine times under other ids) for ten days, published as
     * fast as the broker takes them over four connections: without the event-time spread the
     * connections drift apart by hours and readings land in kw.late; with it, none is late and
     * every household adds up. The data stays in 2013, so the bridge runs without an age horizon,
     * and the replay is told so (it would refuse the range otherwise: {@code ReplayTest}).
     */
    @Test
    void fourConnectionsAtFullSpeedKeepEventTimeTogetherSoNothingIsLate(@TempDir Path dir) throws Exception {
        String p = TestStack.uniquePrefix("lcl4");
        Instant from = Instant.parse("2013-03-01T00:00:00Z");
        Instant to = Instant.parse("2013-03-11T00:00:00Z");
        List<Path> households = new ArrayList<>();
        try (Stream<Path> files = Files.list(DATA)) {
            for (Path f :
                    files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
                for (int copy = 0; copy < 9; copy++) {
                    Path c = dir.resolve("c" + copy + "-" + f.getFileName());
                    String prefix = "c" + copy;
                    Files.write(
                            c,
                            Files.readAllLines(f).stream()
                                    .map(line -> line.startsWith("MAC") ? prefix + line : line)
                                    .toList());
                    households.add(c);
                }
            }
        }
        var startOffsets = KafkaTopics.endOffsets(STACK, Topics.READINGS);
        Path record = dir.resolve("r.jsonl");
        long published;
        try (IngestService ingest = IngestService.start(
                IngestConfig.load(null, STACK.bridgeEnvironment(p + "-ingest", "KW_INGEST_MAX_AGE", "0s")))) {
            List<String> args = new ArrayList<>(List.of(
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
                    "--shift",
                    "none",
                    "--bridge-max-age",
                    "0s",
                    "--connections",
                    "4",
                    "--speed",
                    "0",
                    "--event-time-spread",
                    System.getProperty("kw.spread", "30s")));
            households.forEach(f -> args.add(f.toString()));
            assertThat(SimulatorMain.commandLine(new ReplayCommand()).execute(args.toArray(String[]::new)))
                    .isZero();
            published = Files.readAllLines(record).size();
            Pipeline.awaitForwarded(ingest, published);
            assertThat(ingest.metrics().deadLettered()).isZero();
        }
        assertThat(published).isEqualTo(2 * recordedRows(households, from, to)).isGreaterThan(80_000);
        assertThat(Pipeline.runLoadCurveJob(STACK, startOffsets, Map.of()))
                .as("late readings")
                .isEmpty();

        InfluxQuery influx = new InfluxQuery(STACK.influxUrl(), STACK.influxDb());
        for (Path household : households) {
            List<RecordedRow> rows = RecordedFormats.lcl(household, from, to);
            String meter = p + "-" + rows.get(0).meterId();
            double fileKwh = rows.stream().mapToDouble(RecordedRow::kwh).sum();
            double measured = points(influx, meter).stream()
                    .filter(r -> asLong(r.get("estimated")) == 0)
                    .mapToDouble(r -> asDouble(r.get("kwh")))
                    .sum();
            assertThat(measured).as(meter).isCloseTo(fileKwh, within(1e-6));
        }
    }

    private static long recordedRows(List<Path> households, Instant from, Instant to) throws Exception {
        long rows = 0;
        for (Path h : households) {
            rows += RecordedFormats.lcl(h, from, to).size();
        }
        return rows;
    }

    private static int replay(List<Path> files, Instant from, Instant to, String prefix, Path record, String shift) {
        List<String> args = new ArrayList<>(List.of(
                "--format",
                "lcl",
                "--from",
                from.toString(),
                "--to",
                to.toString(),
                "--id-prefix",
                prefix,
                "--mqtt-url",
                STACK.mqttUrl(),
                "--record",
                record.toString(),
                "--shift",
                shift,
                // Four connections as fast as the broker takes them: the event-time spread keeps
                // them together, so nothing is later than the watermark bound.
                "--connections",
                "4",
                "--speed",
                "0",
                "--event-time-spread",
                System.getProperty("kw.spread", "30s")));
        files.forEach(f -> args.add(f.toString()));
        return SimulatorMain.commandLine(new ReplayCommand()).execute(args.toArray(String[]::new));
    }

    /** How far the replay moved the data: its first published reading against the file's first row. */
    private static long shift(Path record, Path household, Instant from) throws Exception {
        ReadingCodec codec = new ReadingCodec();
        long firstPublished = Long.MAX_VALUE;
        for (String line : Files.readAllLines(record)) {
            firstPublished = Math.min(
                    firstPublished,
                    codec.decodeReading(line.getBytes(StandardCharsets.UTF_8)).ts());
        }
        long firstRow = RecordedFormats.lcl(household, from, null).get(0).start();
        return firstPublished - firstRow;
    }

    private static List<Map<String, Object>> points(InfluxQuery influx, String id) throws Exception {
        return influx.rows(
                "SELECT kwh, readings, estimated FROM load WHERE level = 'meter' AND interval = '15m' AND id = '" + id
                        + "'");
    }
}

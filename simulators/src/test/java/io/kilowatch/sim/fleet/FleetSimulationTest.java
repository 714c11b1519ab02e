package io.kilowatch.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetSimulationTest {
    private static final Instant START = Instant.parse("2024-03-04T00:00:00Z");
    private final ReadingCodec codec = new ReadingCodec();

    private List<String[]> simulate(Duration maxDelay, long seed, Path record) throws Exception {
        List<String[]> sent = new ArrayList<>();
        Fleet fleet = new Fleet("M", 20, seed, Duration.ofMinutes(1), ZoneOffset.ofHours(8));
        var settings =
                new FleetSimulation.Settings(START, Duration.ofHours(2), Duration.ofMinutes(1), 0, maxDelay, seed);
        try (FleetSimulation sim = new FleetSimulation(
                fleet,
                settings,
                (topic, payload) -> sent.add(new String[] {topic, new String(payload, StandardCharsets.UTF_8)}),
                record)) {
            sim.run();
            assertThat(sim.published()).isEqualTo(20 * 120);
        }
        return sent;
    }

    @Test
    void everyMeterReadsOncePerPeriodOnItsOwnTopic() throws Exception {
        List<String[]> sent = simulate(Duration.ZERO, 1, null);
        assertThat(sent).hasSize(2400);
        for (String[] s : sent) {
            Reading r = codec.decodeReading(s[1].getBytes(StandardCharsets.UTF_8));
            assertThat(s[0]).isEqualTo(Topics.meterReadingTopic(r.meterId()));
            assertThat(r.kw()).isPositive();
            assertThat(r.ts() % 60_000).isZero();
        }
        assertThat(sent.stream().map(s -> s[1]).distinct()).hasSize(2400);
    }

    @Test
    void sameSeedSameReadingsWhateverTheShuffle() throws Exception {
        List<String> inOrder = simulate(Duration.ZERO, 7, null).stream()
                .map(s -> s[1])
                .sorted()
                .toList();
        List<String> shuffled = simulate(Duration.ofMinutes(5), 7, null).stream()
                .map(s -> s[1])
                .sorted()
                .toList();
        List<String> otherSeed = simulate(Duration.ZERO, 8, null).stream()
                .map(s -> s[1])
                .sorted()
                .toList();
        assertThat(shuffled).isEqualTo(inOrder);
        assertThat(otherSeed).isNotEqualTo(inOrder);
    }

    @Test
    void shuffleStaysWithinTheBoundAndReallyShuffles(@TempDir Path dir) throws Exception {
        Path record = dir.resolve("sent.jsonl");
        List<String[]> sent = simulate(Duration.ofMinutes(3), 3, record);
        List<Reading> order = new ArrayList<>();
        for (String[] s : sent) {
            order.add(codec.decodeReading(s[1].getBytes(StandardCharsets.UTF_8)));
        }
        long maxTsSoFar = order.get(0).ts();
        boolean outOfOrder = false;
        for (Reading r : order) {
            assertThat(r.ts()).isGreaterThan(maxTsSoFar - Duration.ofMinutes(4).toMillis());
            outOfOrder |= r.ts() < maxTsSoFar;
            maxTsSoFar = Math.max(maxTsSoFar, r.ts());
        }
        assertThat(outOfOrder).isTrue();
        // The record is exactly what was sent, in the order it was sent.
        assertThat(Files.readAllLines(record))
                .containsExactlyElementsOf(sent.stream().map(s -> s[1]).toList());
    }

    @Test
    void registersAdvanceByTheEnergyOfTheReportedPower() throws Exception {
        List<Reading> m0 = new ArrayList<>();
        for (String[] s : simulate(Duration.ZERO, 5, null)) {
            Reading r = codec.decodeReading(s[1].getBytes(StandardCharsets.UTF_8));
            if (r.meterId().equals("M00000")) {
                m0.add(r);
            }
        }
        m0.sort(Comparator.comparingLong(Reading::ts));
        // The register at a reading is before its own period: first to last spans all periods but the last.
        double energy =
                m0.stream().limit(m0.size() - 1).mapToDouble(r -> r.kw() / 60.0).sum();
        assertThat(m0.get(m0.size() - 1).importKwh() - m0.get(0).importKwh())
                .isCloseTo(energy, org.assertj.core.data.Offset.offset(0.002));
    }

    @Test
    void eveningPeakIsAboveTheNight() {
        LoadShape shape = new LoadShape(1, ZoneOffset.ofHours(8));
        long night = Instant.parse("2024-03-04T19:00:00Z").toEpochMilli(); // 03:00 local
        long evening = Instant.parse("2024-03-04T11:30:00Z").toEpochMilli(); // 19:30 local
        double nightSum = 0;
        double eveningSum = 0;
        for (int m = 0; m < 200; m++) {
            nightSum += shape.kw(m, night);
            eveningSum += shape.kw(m, evening);
        }
        assertThat(eveningSum).isGreaterThan(3 * nightSum);
    }

    @Test
    void concentratorsBatchLateAndTwiceMetersDropDuplicateAndSkew() throws Exception {
        List<String[]> sent = new ArrayList<>();
        Fleet fleet = new Fleet("M", 40, 9, Duration.ofMinutes(1), ZoneOffset.ofHours(8));
        var settings =
                new FleetSimulation.Settings(START, Duration.ofHours(3), Duration.ofMinutes(1), 0, Duration.ZERO, 9);
        Reporting reporting = new Reporting(
                0.5, 10, Duration.ofMinutes(15), Duration.ofHours(2), 0.2, 0.01, 0.05, Duration.ofSeconds(30));
        long dropped;
        long duplicated;
        try (FleetSimulation sim = new FleetSimulation(
                fleet,
                settings,
                reporting,
                (topic, payload) -> sent.add(new String[] {topic, new String(payload, StandardCharsets.UTF_8)}),
                null)) {
            sim.run();
            dropped = sim.dropped();
            duplicated = sim.duplicated();
            assertThat(sim.batches()).isEqualTo(2 * 12); // two concentrators of ten meters, every 15 minutes for 3 h
            assertThat(sim.reuploads()).isPositive();
        }
        assertThat(dropped).isPositive();
        assertThat(duplicated).isPositive();
        java.util.Set<String> unique = new java.util.HashSet<>();
        long readings = 0;
        long batchMessages = 0;
        for (String[] m : sent) {
            if (m[0].startsWith("concentrators/")) {
                batchMessages++;
                var batch = codec.decodeBatch(m[1].getBytes(StandardCharsets.UTF_8));
                for (var r : batch.readings()) {
                    Reading reading = codec.decodeReading(r);
                    unique.add(reading.meterId() + "@" + reading.ts());
                    readings++;
                    assertThat(Math.floorMod(reading.ts(), 1000)).isZero();
                }
            } else {
                Reading r = codec.decodeReading(m[1].getBytes(StandardCharsets.UTF_8));
                unique.add(r.meterId() + "@" + r.ts());
                readings++;
                // Clocks are off by up to 30 s either way, never more.
                long offset = Math.floorMod(r.ts() - START.toEpochMilli() + 30_000, 60_000) - 30_000;
                assertThat(Math.abs(offset)).isLessThanOrEqualTo(30_000);
            }
        }
        assertThat(batchMessages).isGreaterThan(24);
        assertThat(unique).hasSize((int) (40 * 180 - dropped));
        assertThat(readings).isGreaterThan(unique.size());

        // The fleet's registry names each batch's concentrator for every meter in it, and no
        // concentrator for the meters that publish their own: ingest accepts all of them.
        java.nio.file.Path csv = java.nio.file.Files.createTempFile("fleet-registry", ".csv");
        fleet.topology().writeRegistry(csv, reporting);
        java.util.Map<String, String> concentratorOf = new java.util.HashMap<>();
        for (var e : io.kilowatch.model.RegistryCsv.parse(java.nio.file.Files.readAllLines(csv))) {
            if (e.concentratorId() != null) {
                concentratorOf.put(e.meterId(), e.concentratorId());
            }
        }
        java.nio.file.Files.delete(csv);
        assertThat(concentratorOf).hasSize(20);
        assertThat(concentratorOf.values()).containsOnly("DC0001", "DC0002");
        for (String[] m : sent) {
            if (m[0].startsWith("concentrators/")) {
                var batch = codec.decodeBatch(m[1].getBytes(StandardCharsets.UTF_8));
                for (var r : batch.readings()) {
                    assertThat(concentratorOf.get(codec.decodeReading(r).meterId()))
                            .isEqualTo(batch.concentratorId());
                }
            } else {
                assertThat(concentratorOf)
                        .doesNotContainKey(codec.decodeReading(m[1].getBytes(StandardCharsets.UTF_8))
                                .meterId());
            }
        }
    }
}

package io.kilowatch.sim.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.model.Reading;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayTest {
    /** The project's shared real data (../shared/data beside the repository). */
    static final Path LCL = Path.of(System.getProperty("kw.shared.data", "../../shared/data"), "lcl-london-sample");

    private static final Instant FROM = Instant.parse("2013-03-28T00:00:00Z");
    private static final Instant TO = Instant.parse("2013-04-04T00:00:00Z");

    @Test
    void londonHalfHoursBecomeQuarterHourReadingsWhoseRegisterAddsUpToTheFile() throws Exception {
        List<RecordedRow> rows = RecordedFormats.lcl(LCL.resolve("MAC000002.csv"), FROM, TO);
        assertThat(rows).hasSize(7 * 48);
        assertThat(rows.get(0))
                .isEqualTo(new RecordedRow(
                        "MAC000002", FROM.toEpochMilli(), 1_800_000, rows.get(0).kwh()));
        double fileKwh = rows.stream().mapToDouble(RecordedRow::kwh).sum();

        List<Reading> readings = Replay.readings(rows, 900_000, 0, "x-");
        assertThat(readings).hasSize(2 * rows.size());
        Reading first = readings.get(0);
        Reading last = readings.get(readings.size() - 1);
        assertThat(first.meterId()).isEqualTo("x-MAC000002");
        assertThat(first.kw()).isCloseTo(2 * rows.get(0).kwh(), within(1e-12));
        double lastQuarter = rows.get(rows.size() - 1).kwh() / 2;
        assertThat(last.importKwh() + lastQuarter - first.importKwh()).isCloseTo(fileKwh, within(1e-9));
        // Average power × time over every reading is the file's energy too.
        assertThat(readings.stream().mapToDouble(r -> r.kw() * 0.25).sum()).isCloseTo(fileKwh, within(1e-9));
    }

    @Test
    void missingHalfHoursStayMissing() throws Exception {
        List<RecordedRow> rows = RecordedFormats.lcl(LCL.resolve("MAC000063.csv"), null, null);
        assertThat(rows).hasSize(12_767);
        List<Reading> readings = Replay.readings(rows, 900_000, 0, "");
        assertThat(readings).hasSize(2 * 12_767);
    }

    @Test
    void wideLayoutWithDecimalCommasAndLocalEndTimes(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("LD.txt");
        Files.writeString(f, "\"\";\"MT_001\";\"MT_002\"\n\"2012-01-01 00:15:00\";2,5;0\n\"2012-01-01 00:30:00\";3;\n");
        List<RecordedRow> rows = RecordedFormats.eld(f, ZoneId.of("Europe/Lisbon"), null, null);
        assertThat(rows)
                .containsExactly(
                        new RecordedRow(
                                "MT_001", Instant.parse("2012-01-01T00:00:00Z").toEpochMilli(), 900_000, 0.625),
                        new RecordedRow(
                                "MT_002", Instant.parse("2012-01-01T00:00:00Z").toEpochMilli(), 900_000, 0.0),
                        new RecordedRow(
                                "MT_001", Instant.parse("2012-01-01T00:15:00Z").toEpochMilli(), 900_000, 0.75));
    }

    @Test
    void dailyLayoutWithTheftLabels(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sgcc.csv");
        Files.writeString(f, "CONS_NO,FLAG,2014/1/2,2014/1/1\nA1,1,24,\nB2,0,4.8,2.4\n");
        RecordedFormats.Sgcc s = RecordedFormats.sgcc(f, ZoneId.of("Asia/Shanghai"), null, null);
        assertThat(s.theft()).containsEntry("A1", true).containsEntry("B2", false);
        assertThat(s.rows()).hasSize(3);
        List<Reading> readings = Replay.readings(s.rows(), 900_000, 0, "");
        assertThat(readings).hasSize(3 * 96);
        assertThat(readings)
                .filteredOn(r -> r.meterId().equals("A1"))
                .allSatisfy(r -> assertThat(r.kw()).isEqualTo(1.0));
        assertThat(readings.get(0).ts())
                .isEqualTo(Instant.parse("2013-12-31T16:00:00Z").toEpochMilli()); // B2's 1 Jan, Shanghai midnight
    }

    @Test
    void autoShiftLandsTheLastReadingInTheLastDayKeepingTheTimeOfDay() {
        long last = Instant.parse("2013-04-04T00:00:00Z").toEpochMilli();
        long now = Instant.parse("2026-11-23T12:34:56Z").toEpochMilli();
        long shifted = last + Replay.recentShift(last, now);
        assertThat(shifted).isBetween(now - 86_400_000, now - 1);
        assertThat(shifted % 86_400_000).isEqualTo(last % 86_400_000);
    }

    @Test
    void aRangeTheBridgeWouldDeadLetterIsRefusedBeforePublishingWithTheWayToDoIt() {
        long now = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();
        long day = 86_400_000;
        List<Reading> year = List.of(
                Reading.of("m", now - 365 * day, 1), Reading.of("m", now - 3 * day, 1), Reading.of("m", now - day, 1));
        String refusal = Replay.refusal(year, now, java.time.Duration.ofDays(7), java.time.Duration.ofMinutes(5));
        assertThat(refusal)
                .contains(
                        "1 of 3 readings as TIMESTAMP_TOO_OLD",
                        "ingest.max-age=7d",
                        "import",
                        "--from/--to",
                        "KW_INGEST_MAX_AGE=0s");
        assertThat(Replay.refusal(year, now, java.time.Duration.ZERO, java.time.Duration.ofMinutes(5)))
                .as("no horizon")
                .isNull();
        assertThat(Replay.refusal(
                        year.subList(1, 3), now, java.time.Duration.ofDays(7), java.time.Duration.ofMinutes(5)))
                .isNull();
        List<Reading> ahead = List.of(Reading.of("m", now, 1), Reading.of("m", now + 6 * 60_000, 1));
        assertThat(Replay.refusal(ahead, now, java.time.Duration.ofDays(7), java.time.Duration.ofMinutes(5)))
                .contains("1 of 2 readings as TIMESTAMP_IN_FUTURE");
    }
}

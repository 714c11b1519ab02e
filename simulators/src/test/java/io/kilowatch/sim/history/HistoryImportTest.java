package io.kilowatch.sim.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.RejectReason;
import io.kilowatch.model.intake.PlausibilityRules;
import io.kilowatch.sim.replay.RecordedRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryImportTest {
    private static final long NOW = Instant.parse("2026-12-01T12:00:00Z").toEpochMilli();
    private static final PlausibilityRules RULES = PlausibilityRules.defaults().withMaxAge(Duration.ofDays(10957));

    @Test
    void everyRowOfAPlainCsvIsAcceptedOrDeadLetteredWithTheBridgesReasonAndTheCountsReconcile(@TempDir Path dir)
            throws Exception {
        Path csv = dir.resolve("mdm.csv");
        Files.writeString(
                csv,
                String.join(
                                "\n",
                                "meterId,ts,kW,importKwh",
                                "m2,2013-06-01T00:15:00Z,1.5,100.25",
                                "m1,1370045700000,0.5,", // 2013-06-01T00:15Z as epoch ms, no register
                                "m1,2013-06-01T00:00:00Z,0.25,10",
                                "m1,2013-06-01T00:30:00Z,abc,10", // a word where kW belongs
                                "m1,2013-06-01T00:45:00Z,,11", // no kW
                                "m1,yesterday,1,11", // not a timestamp
                                "m1,2013-06-01T01:00:00Z,1,11,7", // one cell too many
                                "m1,1370045700,1,11", // epoch seconds: read as ms, 1970
                                "m1,2027-01-01T00:00:00Z,1,11", // in the future
                                "m/3,2013-06-01T00:00:00Z,1,11", // an id that cannot be a topic level
                                "m1,2013-06-01T00:00:00Z,-1e9,11", // a gigawatt backwards
                                "m1,2013-07-01T00:00:00Z,1,12", // valid, outside --to
                                "")
                        + "\n");
        Judged j = new HistoryImport(RULES, 4096, NOW, null, Instant.parse("2013-06-02T00:00:00Z"))
                .plainCsv(List.of(csv), "h-");

        assertThat(j.read()).isEqualTo(12);
        assertThat(j.reconciles()).isTrue();
        assertThat(j.outsideRange()).isEqualTo(1);
        // In event-time order, then by meter, whatever the file's order.
        assertThat(j.accepted())
                .extracting(Judged.Accepted::meterId, Judged.Accepted::ts)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "h-m1", Instant.parse("2013-06-01T00:00:00Z").toEpochMilli()),
                        org.assertj.core.groups.Tuple.tuple(
                                "h-m1", Instant.parse("2013-06-01T00:15:00Z").toEpochMilli()),
                        org.assertj.core.groups.Tuple.tuple(
                                "h-m2", Instant.parse("2013-06-01T00:15:00Z").toEpochMilli()));
        ReadingCodec codec = new ReadingCodec();
        var m2 = codec.decodeReading(j.accepted().get(2).value());
        assertThat(m2.kw()).isEqualTo(1.5);
        assertThat(m2.importKwh()).isEqualTo(100.25);
        assertThat(codec.decodeReading(j.accepted().get(1).value()).importKwh()).isNull();

        assertThat(j.deadLetteredByReason())
                .isEqualTo(Map.of(
                        RejectReason.WRONG_TYPE,
                        1L,
                        RejectReason.MISSING_FIELD,
                        1L,
                        RejectReason.BAD_TIMESTAMP,
                        1L,
                        RejectReason.BAD_ROW,
                        1L,
                        RejectReason.TIMESTAMP_TOO_OLD,
                        1L,
                        RejectReason.TIMESTAMP_IN_FUTURE,
                        1L,
                        RejectReason.BAD_ID,
                        1L,
                        RejectReason.OUT_OF_RANGE,
                        1L));
        // A dead letter carries the file's own line and says where it was.
        Judged.DeadLetter wrongType = j.deadLetters().stream()
                .filter(d -> d.rejected().reason() == RejectReason.WRONG_TYPE)
                .findFirst()
                .orElseThrow();
        assertThat(wrongType.source()).isEqualTo("import:mdm.csv:5");
        assertThat(new String(wrongType.rejected().original(), StandardCharsets.UTF_8))
                .isEqualTo("m1,2013-06-01T00:30:00Z,abc,10");
        assertThat(wrongType.rejected().detail()).contains("kw");
        assertThat(new String(
                        wrongType.rejected().headers(wrongType.source(), "t").get("reason"), StandardCharsets.UTF_8))
                .isEqualTo("WRONG_TYPE");
    }

    @Test
    void aHeaderNamingAnUnknownColumnFailsTheWholeFileBeforeAnythingIsJudged(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "meterId,ts,kilowatts\nm1,1370045700000,1\n");
        assertThatThrownBy(() -> new HistoryImport(RULES, 4096, NOW, null, null).plainCsv(List.of(csv), ""))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("'kilowatts' is unknown");
    }

    @Test
    void recordedRowsAreImportedUnshiftedWithTheirEnergyOnTheRegister() {
        long t = Instant.parse("2013-06-01T00:00:00Z").toEpochMilli();
        List<RecordedRow> rows = List.of(
                new RecordedRow("MAC1", t, 1_800_000, 0.5), new RecordedRow("MAC1", t + 1_800_000, 1_800_000, 0.25));
        Judged j = new HistoryImport(RULES, 4096, NOW, null, null).recorded(rows, 900_000, "x-", "import:MAC1.csv");
        assertThat(j.accepted())
                .extracting(Judged.Accepted::ts)
                .containsExactly(t, t + 900_000, t + 1_800_000, t + 2_700_000);
        assertThat(j.reconciles()).isTrue();
        // The bridge's default horizon would have refused all of them.
        Judged bridgeLike = new HistoryImport(PlausibilityRules.defaults(), 4096, NOW, null, null)
                .recorded(rows, 900_000, "x-", "f");
        assertThat(bridgeLike.deadLetteredByReason()).isEqualTo(Map.of(RejectReason.TIMESTAMP_TOO_OLD, 4L));
    }
}

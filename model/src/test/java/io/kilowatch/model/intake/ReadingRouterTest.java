package io.kilowatch.model.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.ConcentratorBatch;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.RejectReason;
import io.kilowatch.model.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReadingRouterTest {
    private final ReadingCodec codec = new ReadingCodec();
    /** Defaults of IngestConfig but no age horizon, so fixed timestamps stay valid; the horizon has its own test. */
    static final PlausibilityRules RULES =
            new PlausibilityRules(Duration.ofMinutes(5), Duration.ZERO, 100_000, 100_000, 100_000, 1e12);

    private static final long NOW = 1_704_067_500_000L;
    private final ReadingRouter router = new ReadingRouter(codec, 4096, RULES);

    @Test
    void singleReadingIsNormalizedAndKeyedByMeter() throws Exception {
        byte[] in =
                "{\"meterId\":\"m1\",\"ts\":\"2024-01-01T08:00:00+08:00\",\"kw\":2.5}".getBytes(StandardCharsets.UTF_8);
        Routed out = router.route(Topics.meterReadingTopic("m1"), in, NOW);
        assertThat(out.rejected()).isEmpty();
        assertThat(out.accepted()).hasSize(1);
        assertThat(out.accepted().get(0).meterId()).isEqualTo("m1");
        assertThat(codec.decodeReading(out.accepted().get(0).value())).isEqualTo(Reading.of("m1", 1704067200000L, 2.5));
    }

    @Test
    void aDeviceMayNotSpeakForAnotherMeter() {
        byte[] in = codec.encode(Reading.of("victim", 1, 1));
        Routed out = router.route(Topics.meterReadingTopic("attacker"), in, NOW);
        assertThat(out.accepted()).isEmpty();
        assertThat(out.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.METER_MISMATCH);
            assertThat(r.original()).isEqualTo(in);
            assertThat(r.detail()).contains("attacker").contains("victim");
        });
    }

    @Test
    void garbageKeepsItsOriginalBytesAndReason() {
        byte[] in = {0, (byte) 0xFF, 1, 2};
        Routed out = router.route(Topics.meterReadingTopic("m"), in, NOW);
        assertThat(out.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.NOT_UTF8);
            assertThat(r.original()).isEqualTo(in);
            assertThat(r.batchIndex()).isEqualTo(-1);
        });
    }

    @Test
    void oversizedPayloadIsRejectedWithASampleNotTheWhole() {
        byte[] in = new byte[Routed.MAX_WHOLE_ORIGINAL_BYTES + 1];
        Routed out = new ReadingRouter(codec, 1024 * 1024, RULES)
                .route(Topics.meterReadingTopic("m"), new byte[1024 * 1024 + 1], NOW);
        assertThat(out.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.TOO_LARGE);
            assertThat(r.original()).hasSize(Routed.SAMPLE_BYTES);
            assertThat(r.detail()).contains(Integer.toString(1024 * 1024 + 1));
        });
        assertThat(in).hasSizeGreaterThan(Routed.SAMPLE_BYTES);
    }

    @Test
    void aRejectJustUnderThePayloadLimitIsSampledSoItsDeadLetterFitsInKafka() {
        // Garbage of 1,048,000 bytes is under the 1 MiB payload limit, but as a dead-letter record
        // with key and headers it would exceed Kafka's 1 MiB request limit and never be sent.
        byte[] in = new byte[1_048_000];
        java.util.Arrays.fill(in, (byte) 'x');
        Routed out = new ReadingRouter(codec, 1024 * 1024, RULES).route(Topics.meterReadingTopic("m"), in, NOW);
        assertThat(out.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.NOT_JSON);
            assertThat(r.original()).hasSize(Routed.SAMPLE_BYTES);
            assertThat(r.detail()).contains("1048000 bytes");
        });
    }

    @Test
    void batchKeepsGoodReadingsAndDeadLettersBadOnesByIndex() {
        String json = "{\"concentratorId\":\"c1\",\"readings\":["
                + "{\"meterId\":\"a\",\"ts\":1,\"kw\":1},"
                + "{\"meterId\":\"b\",\"ts\":2,\"kw\":\"lots\"},"
                + "{\"meterId\":\"c\",\"ts\":3,\"kw\":3}]}";
        Routed out = router.route(Topics.concentratorBatchTopic("c1"), json.getBytes(StandardCharsets.UTF_8), NOW);
        assertThat(out.accepted()).extracting(Routed.Accepted::meterId).containsExactly("a", "c");
        assertThat(out.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.WRONG_TYPE);
            assertThat(r.batchIndex()).isEqualTo(1);
            assertThat(new String(r.original(), StandardCharsets.UTF_8))
                    .isEqualTo("{\"meterId\":\"b\",\"ts\":2,\"kw\":\"lots\"}");
        });
    }

    @Test
    void batchMaySpeakForManyMeters() {
        byte[] in = codec.encode(new ConcentratorBatch("c1", List.of(Reading.of("a", 1, 1), Reading.of("b", 1, 2))));
        Routed out = router.route(Topics.concentratorBatchTopic("c1"), in, NOW);
        assertThat(out.accepted()).hasSize(2);
        assertThat(out.rejected()).isEmpty();
    }

    @Test
    void brokenBatchEnvelopeIsRejectedWhole() {
        Routed out = router.route(
                Topics.concentratorBatchTopic("c1"),
                "{\"concentratorId\":\"c1\"}".getBytes(StandardCharsets.UTF_8),
                NOW);
        assertThat(out.accepted()).isEmpty();
        assertThat(out.rejected())
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo(RejectReason.MISSING_FIELD));
    }

    static Stream<Arguments> implausible() {
        return Stream.of(
                Arguments.of(
                        "{\"meterId\":\"m\",\"ts\":" + (NOW + 301_000) + ",\"kw\":1}",
                        RejectReason.TIMESTAMP_IN_FUTURE),
                Arguments.of("{\"meterId\":\"m\",\"ts\":" + NOW + ",\"kw\":100001}", RejectReason.OUT_OF_RANGE),
                Arguments.of("{\"meterId\":\"m\",\"ts\":" + NOW + ",\"kw\":-100001}", RejectReason.OUT_OF_RANGE),
                Arguments.of(
                        "{\"meterId\":\"m\",\"ts\":" + NOW + ",\"kw\":1,\"importKwh\":-0.001}",
                        RejectReason.OUT_OF_RANGE),
                Arguments.of(
                        "{\"meterId\":\"m\",\"ts\":" + NOW + ",\"kw\":1,\"exportKwh\":1e13}",
                        RejectReason.OUT_OF_RANGE),
                Arguments.of("{\"meterId\":\"m\",\"ts\":" + NOW + ",\"kw\":1,\"pf\":1.01}", RejectReason.OUT_OF_RANGE),
                Arguments.of(
                        "{\"meterId\":\"m\",\"ts\":" + NOW + ",\"kw\":1,\"voltageV\":[230,-1]}",
                        RejectReason.OUT_OF_RANGE),
                Arguments.of(
                        "{\"meterId\":\"m\",\"ts\":" + NOW + ",\"kw\":1,\"currentA\":[1,1,1,1]}",
                        RejectReason.OUT_OF_RANGE),
                Arguments.of(
                        "{\"meterId\":\"m\",\"ts\":" + NOW + ",\"kw\":1,\"kvar\":2e5}", RejectReason.OUT_OF_RANGE));
    }

    @ParameterizedTest
    @MethodSource("implausible")
    void implausibleReadingsAreRejectedWithAReason(String json, RejectReason reason) {
        Routed out = router.route(Topics.meterReadingTopic("m"), json.getBytes(StandardCharsets.UTF_8), NOW);
        assertThat(out.accepted()).isEmpty();
        assertThat(out.rejected())
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo(reason));
    }

    @Test
    void clockSkewWithinTheAllowanceIsAccepted() {
        byte[] in = ("{\"meterId\":\"m\",\"ts\":" + (NOW + 299_000) + ",\"kw\":1,\"pf\":-1,\"voltageV\":[0,230,231]}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(router.route(Topics.meterReadingTopic("m"), in, NOW).accepted())
                .hasSize(1);
    }

    @Test
    void readingsOlderThanTheHorizonAreRejectedWhenOneIsSet() {
        PlausibilityRules weekHorizon =
                new PlausibilityRules(Duration.ofMinutes(5), Duration.ofDays(7), 100_000, 100_000, 100_000, 1e12);
        ReadingRouter withHorizon = new ReadingRouter(codec, 4096, weekHorizon);
        byte[] old = codec.encode(Reading.of("m", NOW - Duration.ofDays(7).toMillis() - 1, 1));
        byte[] recent = codec.encode(Reading.of("m", NOW - Duration.ofDays(6).toMillis(), 1));
        assertThat(withHorizon.route(Topics.meterReadingTopic("m"), old, NOW).rejected())
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo(RejectReason.TIMESTAMP_TOO_OLD));
        assertThat(withHorizon.route(Topics.meterReadingTopic("m"), recent, NOW).accepted())
                .hasSize(1);
    }

    @Test
    void aBatchWhoseBodyNamesAnotherConcentratorThanItsTopicIsDeadLetteredWhole() {
        String json = "{\"concentratorId\":\"FZC2\",\"readings\":[{\"meterId\":\"m1\",\"ts\":" + NOW + ",\"kw\":1}]}";
        Routed out = router.route(Topics.concentratorBatchTopic("FZC1"), json.getBytes(StandardCharsets.UTF_8), NOW);
        assertThat(out.accepted()).isEmpty();
        assertThat(out.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.CONCENTRATOR_MISMATCH);
            assertThat(r.detail()).contains("'FZC1'", "'FZC2'");
            assertThat(r.batchIndex()).isEqualTo(-1);
        });
        assertThat(Topics.concentratorIdOf("concentrators/FZC1/batch")).isEqualTo("FZC1");
        assertThat(Topics.concentratorIdOf("concentrators//batch")).isNull();
        assertThat(Topics.concentratorIdOf("meters/m1/reading")).isNull();
    }

    private static io.kilowatch.model.RegistryEntry meter(String id, String concentrator) {
        return new io.kilowatch.model.RegistryEntry(
                        id, "c-" + id, "residential", "T1", "F1", "R1", "flat", 10, 400, 230, 1)
                .withConcentrator(concentrator);
    }

    private static byte[] batchOf(String concentrator, String... meters) {
        StringBuilder json = new StringBuilder("{\"concentratorId\":\"" + concentrator + "\",\"readings\":[");
        for (int i = 0; i < meters.length; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"meterId\":\"")
                    .append(meters[i])
                    .append("\",\"ts\":")
                    .append(NOW)
                    .append(",\"kw\":1}");
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aConcentratorSpeaksOnlyForTheMetersTheRegistrySaysItReadsAndTheRestOfItsBatchGoesThrough() {
        ServedMeters served = new ServedMeters();
        served.update("m1", meter("m1", "FZC1"));
        served.update("m2", meter("m2", "FZC2"));
        served.update("m4", meter("m4", null)); // publishes its own readings
        ReadingRouter checking = new ReadingRouter(codec, 4096, PlausibilityRules.defaults(), served);

        Routed out =
                checking.route(Topics.concentratorBatchTopic("FZC1"), batchOf("FZC1", "m1", "m2", "m3", "m4"), NOW);
        assertThat(out.accepted()).extracting(Routed.Accepted::meterId).containsExactly("m1");
        assertThat(out.rejected()).extracting(Routed.Rejected::batchIndex).containsExactly(1, 2, 3);
        assertThat(out.rejected()).allSatisfy(r -> assertThat(r.reason()).isEqualTo(RejectReason.NOT_SERVED));
        assertThat(out.rejected().get(0).detail()).isEqualTo("meter 'm2' is read by concentrator 'FZC2', not 'FZC1'");
        assertThat(out.rejected().get(1).detail()).contains("no concentrator for meter 'm3'");

        // m2 moves to FZC1: from the registry update on, FZC1 may speak for it and FZC2 may not.
        served.update("m2", meter("m2", "FZC1"));
        assertThat(checking.route(Topics.concentratorBatchTopic("FZC1"), batchOf("FZC1", "m2"), NOW)
                        .accepted())
                .hasSize(1);
        assertThat(checking.route(Topics.concentratorBatchTopic("FZC2"), batchOf("FZC2", "m2"), NOW)
                        .rejected())
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo(RejectReason.NOT_SERVED));
        // A meter that leaves the registry is served by no one.
        served.update("m1", null);
        assertThat(checking.route(Topics.concentratorBatchTopic("FZC1"), batchOf("FZC1", "m1"), NOW)
                        .rejected())
                .hasSize(1);
        // Per-meter topics are not a concentrator's: the meter speaks for itself.
        assertThat(checking.route(Topics.meterReadingTopic("m3"), codec.encode(Reading.of("m3", NOW, 1)), NOW)
                        .accepted())
                .hasSize(1);
    }

    @Test
    void whileTheRegistryNamesNoConcentratorBatchesAreNotChecked() {
        ServedMeters served = new ServedMeters();
        served.update("m1", meter("m1", null));
        ReadingRouter checking = new ReadingRouter(codec, 4096, PlausibilityRules.defaults(), served);
        assertThat(served.checked()).isFalse();
        assertThat(checking.route(Topics.concentratorBatchTopic("LTC1"), batchOf("LTC1", "m1", "x9"), NOW)
                        .accepted())
                .hasSize(2);
        served.update("m1", meter("m1", "FZC1"));
        assertThat(served.checked()).isTrue();
        assertThat(checking.route(Topics.concentratorBatchTopic("LTC1"), batchOf("LTC1", "m1", "x9"), NOW)
                        .accepted())
                .isEmpty();
    }
}

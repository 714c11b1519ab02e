package io.kilowatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.ConcentratorBatch;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.RejectReason;
import io.kilowatch.model.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadingRouterTest {
    private final ReadingCodec codec = new ReadingCodec();
    private final ReadingRouter router = new ReadingRouter(codec, 4096);

    @Test
    void singleReadingIsNormalizedAndKeyedByMeter() throws Exception {
        byte[] in = "{\"meterId\":\"m1\",\"ts\":\"2024-01-01T08:00:00+08:00\",\"kw\":2.5}".getBytes(StandardCharsets.UTF_8);
        Routed out = router.route(Topics.meterReadingTopic("m1"), in);
        assertThat(out.rejected()).isEmpty();
        assertThat(out.accepted()).hasSize(1);
        assertThat(out.accepted().get(0).meterId()).isEqualTo("m1");
        assertThat(codec.decodeReading(out.accepted().get(0).value()))
                .isEqualTo(Reading.of("m1", 1704067200000L, 2.5));
    }

    @Test
    void aDeviceMayNotSpeakForAnotherMeter() {
        byte[] in = codec.encode(Reading.of("victim", 1, 1));
        Routed out = router.route(Topics.meterReadingTopic("attacker"), in);
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
        Routed out = router.route(Topics.meterReadingTopic("m"), in);
        assertThat(out.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.NOT_UTF8);
            assertThat(r.original()).isEqualTo(in);
            assertThat(r.batchIndex()).isEqualTo(-1);
        });
    }

    @Test
    void oversizedPayloadIsRejectedWithASampleNotTheWhole() {
        byte[] in = new byte[4097 + ReadingRouter.OVERSIZE_SAMPLE_BYTES];
        Routed out = router.route(Topics.meterReadingTopic("m"), in);
        assertThat(out.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.TOO_LARGE);
            assertThat(r.original()).hasSize(ReadingRouter.OVERSIZE_SAMPLE_BYTES);
            assertThat(r.detail()).contains(Integer.toString(in.length));
        });
    }

    @Test
    void batchKeepsGoodReadingsAndDeadLettersBadOnesByIndex() {
        String json = "{\"concentratorId\":\"c1\",\"readings\":["
                + "{\"meterId\":\"a\",\"ts\":1,\"kw\":1},"
                + "{\"meterId\":\"b\",\"ts\":2,\"kw\":\"lots\"},"
                + "{\"meterId\":\"c\",\"ts\":3,\"kw\":3}]}";
        Routed out = router.route(Topics.concentratorBatchTopic("c1"), json.getBytes(StandardCharsets.UTF_8));
        assertThat(out.accepted()).extracting(Routed.Accepted::meterId).containsExactly("a", "c");
        assertThat(out.rejected()).singleElement().satisfies(r -> {
            assertThat(r.reason()).isEqualTo(RejectReason.WRONG_TYPE);
            assertThat(r.batchIndex()).isEqualTo(1);
            assertThat(new String(r.original(), StandardCharsets.UTF_8)).isEqualTo("{\"meterId\":\"b\",\"ts\":2,\"kw\":\"lots\"}");
        });
    }

    @Test
    void batchMaySpeakForManyMeters() {
        byte[] in = codec.encode(new ConcentratorBatch("c1", List.of(Reading.of("a", 1, 1), Reading.of("b", 1, 2))));
        Routed out = router.route(Topics.concentratorBatchTopic("c1"), in);
        assertThat(out.accepted()).hasSize(2);
        assertThat(out.rejected()).isEmpty();
    }

    @Test
    void brokenBatchEnvelopeIsRejectedWhole() {
        Routed out = router.route(Topics.concentratorBatchTopic("c1"), "{\"concentratorId\":\"c1\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(out.accepted()).isEmpty();
        assertThat(out.rejected()).singleElement().satisfies(r -> assertThat(r.reason()).isEqualTo(RejectReason.MISSING_FIELD));
    }
}

package io.kilowatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ReadingCodecTest {
    private final ReadingCodec codec = new ReadingCodec();

    static Stream<Reading> readings() {
        return Stream.of(
                Reading.of("m-1", 0L, 0.0),
                Reading.of("m-2", 1_700_000_000_123L, -3.5), // export shows as negative net power
                new Reading(
                        "m-3",
                        1_700_000_000_000L,
                        12.345678901234567,
                        123456.789,
                        0.0,
                        -1.25,
                        new double[] {229.9, 230.1, 231.0},
                        new double[] {10.0, 0.0, 9.5},
                        0.97),
                new Reading(
                        "m-4",
                        Long.MAX_VALUE,
                        Double.MAX_VALUE,
                        Double.MIN_VALUE,
                        null,
                        null,
                        new double[0],
                        null,
                        -1.0),
                new Reading("m-5", Long.MIN_VALUE, -Double.MAX_VALUE, null, null, null, null, null, null),
                new Reading("ünïcödé \"quoted\"\\", 1L, 1e-300, 4.9e-324, 1e300, null, null, null, null));
    }

    @ParameterizedTest
    @MethodSource("readings")
    void roundTripsExactly(Reading r) throws Exception {
        assertThat(codec.decodeReading(codec.encode(r))).isEqualTo(r);
    }

    @Test
    void absentOptionalsAreOmittedNotZero() throws Exception {
        String json = new String(codec.encode(Reading.of("m", 5L, 1.5)), StandardCharsets.UTF_8);
        assertThat(json).isEqualTo("{\"meterId\":\"m\",\"ts\":5,\"kw\":1.5}");
        assertThat(codec.decodeReading(json.getBytes(StandardCharsets.UTF_8)).importKwh())
                .isNull();
    }

    @Test
    void acceptsIsoTimestampsWithAnyOffsetAndEpochMillis() throws Exception {
        long expected = 1_700_000_000_000L; // 2023-11-14T22:13:20Z
        for (String ts : List.of(
                "\"2023-11-14T22:13:20Z\"",
                "\"2023-11-15T06:13:20+08:00\"",
                "\"2023-11-14T22:13:20.000Z\"",
                "1700000000000")) {
            byte[] in = ("{\"meterId\":\"m\",\"ts\":" + ts + ",\"kw\":1}").getBytes(StandardCharsets.UTF_8);
            assertThat(codec.decodeReading(in).ts()).as(ts).isEqualTo(expected);
        }
    }

    @Test
    void ignoresUnknownFieldsFromNewerFirmware() throws Exception {
        byte[] in = "{\"meterId\":\"m\",\"ts\":1,\"kw\":2,\"firmware\":\"9.1\",\"extra\":{\"a\":[1]}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(codec.decodeReading(in)).isEqualTo(Reading.of("m", 1, 2));
    }

    static Stream<Arguments> rejects() {
        return Stream.of(
                Arguments.of("", RejectReason.NOT_JSON),
                Arguments.of("{\"meterId\":\"m\",", RejectReason.NOT_JSON),
                Arguments.of("[1,2,3]", RejectReason.NOT_JSON),
                Arguments.of("\"just a string\"", RejectReason.NOT_JSON),
                Arguments.of("{\"ts\":1,\"kw\":1}", RejectReason.MISSING_FIELD),
                Arguments.of("{\"meterId\":\"m\",\"kw\":1}", RejectReason.MISSING_FIELD),
                Arguments.of("{\"meterId\":\"m\",\"ts\":1}", RejectReason.MISSING_FIELD),
                Arguments.of("{\"meterId\":\"m\",\"ts\":1,\"kw\":null}", RejectReason.MISSING_FIELD),
                Arguments.of("{\"meterId\":\"  \",\"ts\":1,\"kw\":1}", RejectReason.MISSING_FIELD),
                Arguments.of("{\"meterId\":7,\"ts\":1,\"kw\":1}", RejectReason.WRONG_TYPE),
                Arguments.of("{\"meterId\":\"m\",\"ts\":1,\"kw\":\"1.5\"}", RejectReason.WRONG_TYPE),
                Arguments.of("{\"meterId\":\"m\",\"ts\":1.5,\"kw\":1}", RejectReason.WRONG_TYPE),
                Arguments.of("{\"meterId\":\"m\",\"ts\":true,\"kw\":1}", RejectReason.WRONG_TYPE),
                Arguments.of("{\"meterId\":\"m\",\"ts\":1,\"kw\":1,\"voltageV\":230}", RejectReason.WRONG_TYPE),
                Arguments.of("{\"meterId\":\"m\",\"ts\":1,\"kw\":1,\"voltageV\":[230,\"x\"]}", RejectReason.WRONG_TYPE),
                Arguments.of("{\"meterId\":\"m\",\"ts\":1,\"kw\":NaN}", RejectReason.NOT_FINITE),
                Arguments.of("{\"meterId\":\"m\",\"ts\":1,\"kw\":1,\"pf\":Infinity}", RejectReason.NOT_FINITE),
                Arguments.of("{\"meterId\":\"m\",\"ts\":1,\"kw\":1e400}", RejectReason.NOT_FINITE),
                Arguments.of("{\"meterId\":\"m\",\"ts\":\"2023-11-14T22:13:20\",\"kw\":1}", RejectReason.BAD_TIMESTAMP),
                Arguments.of("{\"meterId\":\"m\",\"ts\":\"yesterday\",\"kw\":1}", RejectReason.BAD_TIMESTAMP),
                Arguments.of("{\"meterId\":\"m\",\"ts\":99999999999999999999999,\"kw\":1}", RejectReason.BAD_TIMESTAMP),
                Arguments.of("[".repeat(1000), RejectReason.NOT_JSON),
                Arguments.of("{\"meterId\":\"" + "x".repeat(129) + "\",\"ts\":1,\"kw\":1}", RejectReason.BAD_ID),
                Arguments.of("{\"meterId\":\"a/b\",\"ts\":1,\"kw\":1}", RejectReason.BAD_ID),
                Arguments.of("{\"meterId\":\"a#\",\"ts\":1,\"kw\":1}", RejectReason.BAD_ID),
                Arguments.of("{\"meterId\":\"a\\u0000b\",\"ts\":1,\"kw\":1}", RejectReason.BAD_ID));
    }

    @ParameterizedTest
    @MethodSource("rejects")
    void rejectsWithAReason(String payload, RejectReason reason) {
        assertThatThrownBy(() -> codec.decodeReading(payload.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(InvalidReadingException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.detail()).isNotBlank();
                });
    }

    /** Single readings are read token by token, batch elements from a tree: both must judge a payload alike. */
    @ParameterizedTest
    @MethodSource("rejects")
    void streamedAndTreeDecodingRejectAlike(String payload, RejectReason reason) throws Exception {
        com.fasterxml.jackson.databind.JsonNode tree;
        try {
            tree = new com.fasterxml.jackson.databind.ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                            .build())
                    .readTree(payload);
        } catch (java.io.IOException notJson) {
            return; // no tree to compare with; rejectsWithAReason covers it
        }
        if (tree == null || !tree.isObject()) {
            return;
        }
        InvalidReadingException streamed = org.junit.jupiter.api.Assertions.assertThrows(
                InvalidReadingException.class, () -> codec.decodeReading(payload.getBytes(StandardCharsets.UTF_8)));
        InvalidReadingException fromTree = org.junit.jupiter.api.Assertions.assertThrows(
                InvalidReadingException.class, () -> codec.decodeReading(tree));
        assertThat(streamed.reason()).isEqualTo(fromTree.reason()).isEqualTo(reason);
        assertThat(streamed.detail()).isEqualTo(fromTree.detail());
    }

    static Stream<String> typeMixes() {
        return Stream.of(
                "{\"meterId\":\"m\",\"ts\":1,\"kw\":1,\"voltageV\":[1e400,\"x\"]}",
                "{\"meterId\":\"m\",\"ts\":1,\"kw\":1,\"currentA\":[1,{\"a\":1},true]}",
                "{\"meterId\":\"m\",\"ts\":{\"x\":[1]},\"kw\":1}",
                "{\"meterId\":[\"m\"],\"ts\":1,\"kw\":1}",
                "{\"meterId\":\"m\",\"ts\":1,\"kw\":1,\"kvar\":false}",
                "{\"meterId\":\"m\",\"meterId\":\"n/2\",\"ts\":1,\"kw\":1}",
                "{\"meterId\":\"m\",\"ts\":1,\"kw\":2,\"kw\":null}",
                "{\"meterId\":\"m\",\"ts\":1,\"kw\":1,\"pf\":null,\"voltageV\":null,\"exportKwh\":[]}");
    }

    @ParameterizedTest
    @MethodSource("typeMixes")
    void streamedAndTreeDecodingAgreeOnOddShapes(String payload) throws Exception {
        var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(payload);
        String streamed = outcome(() -> codec.decodeReading(payload.getBytes(StandardCharsets.UTF_8)));
        assertThat(streamed).isEqualTo(outcome(() -> codec.decodeReading(tree)));
    }

    private interface Decode {
        Reading get() throws InvalidReadingException;
    }

    private static String outcome(Decode d) {
        try {
            return d.get().toString();
        } catch (InvalidReadingException e) {
            return e.reason() + ": " + e.detail();
        }
    }

    @Test
    void rejectsBytesThatAreNotUtf8() {
        byte[] bad = {'{', '"', 'm', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThatThrownBy(() -> codec.decodeReading(bad))
                .isInstanceOfSatisfying(
                        InvalidReadingException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.NOT_UTF8));
    }

    @Test
    void batchRoundTripKeepsEveryReadingInOrder() throws Exception {
        ConcentratorBatch batch = new ConcentratorBatch("c-9", readings().toList());
        BatchEnvelope env = codec.decodeBatch(codec.encode(batch));
        assertThat(env.concentratorId()).isEqualTo("c-9");
        assertThat(env.size()).isEqualTo(batch.readings().size());
        for (int i = 0; i < env.size(); i++) {
            assertThat(codec.decodeReading(env.reading(i)))
                    .isEqualTo(batch.readings().get(i));
        }
    }

    @Test
    void emptyBatchIsValid() throws Exception {
        assertThat(codec.decodeBatch(codec.encode(new ConcentratorBatch("c", List.of())))
                        .size())
                .isZero();
    }

    @Test
    void batchElementsAreDecodedOneByOneSoGoodOnesSurviveBadNeighbours() throws Exception {
        byte[] in =
                "{\"concentratorId\":\"c\",\"readings\":[{\"meterId\":\"a\",\"ts\":1,\"kw\":1},{\"meterId\":\"b\",\"ts\":\"x\",\"kw\":1},7]}"
                        .getBytes(StandardCharsets.UTF_8);
        BatchEnvelope env = codec.decodeBatch(in);
        assertThat(codec.decodeReading(env.reading(0))).isEqualTo(Reading.of("a", 1, 1));
        assertThatThrownBy(() -> codec.decodeReading(env.reading(1))).isInstanceOf(InvalidReadingException.class);
        assertThatThrownBy(() -> codec.decodeReading(env.reading(2))).isInstanceOf(InvalidReadingException.class);
        assertThat(new String(codec.toBytes(env.reading(1)), StandardCharsets.UTF_8))
                .isEqualTo("{\"meterId\":\"b\",\"ts\":\"x\",\"kw\":1}");
    }

    @Test
    void batchEnvelopeErrorsHaveReasons() {
        assertThatThrownBy(() -> codec.decodeBatch("{\"readings\":[]}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        InvalidReadingException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.MISSING_FIELD));
        assertThatThrownBy(() -> codec.decodeBatch(
                        "{\"concentratorId\":\"c\",\"readings\":{}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(
                        InvalidReadingException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.WRONG_TYPE));
    }
}

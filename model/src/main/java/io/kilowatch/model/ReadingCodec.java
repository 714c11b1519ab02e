package io.kilowatch.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * JSON codec of {@link Reading} and {@link ConcentratorBatch}.
 *
 * <p>Decoding is strict and explains itself: every rejection carries a {@link RejectReason} and
 * a detail naming the field, because the dead-letter topic is where an operator finds out what a
 * device is doing wrong. Numbers must be JSON numbers (no "12.5" strings); {@code ts} is either
 * an integral epoch-millisecond number or an ISO-8601 string with an offset. Unknown fields are
 * ignored so that newer firmware does not get dead-lettered for sending more.
 *
 * <p>Encoding writes the normalized form: {@code ts} as epoch millis, absent optionals omitted,
 * doubles in their shortest exact form, so decode(encode(r)) equals r.
 *
 * <p>Thread-safe; share one instance.
 */
public final class ReadingCodec {

    /** Longest meterId or concentratorId accepted; real ids are 10–30 characters. */
    public static final int MAX_ID_LENGTH = 128;

    /** Bound on nesting so a hostile payload cannot make the parser recurse deeply. */
    private static final int MAX_NESTING = 16;

    private final ObjectMapper mapper;
    private final JsonFactory factory;

    public ReadingCodec() {
        JsonFactory f = JsonFactory.builder()
                // Let NaN/Infinity through the parser so they are rejected as NOT_FINITE, which
                // tells the device owner more than "not JSON".
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING).build())
                .build();
        this.mapper = JsonMapper.builder(f).build();
        this.factory = f;
    }

    // ------------------------------------------------------------------ decoding

    /** Decodes one reading; {@code bytes} must be a JSON object. */
    public Reading decodeReading(byte[] bytes) throws InvalidReadingException {
        return decodeReading(parse(bytes));
    }

    /** Decodes one reading from an already parsed JSON node (e.g. an element of a batch). */
    public Reading decodeReading(JsonNode node) throws InvalidReadingException {
        if (node == null || !node.isObject()) {
            throw new InvalidReadingException(RejectReason.NOT_JSON, "a reading must be a JSON object");
        }
        String meterId = requiredId(node, "meterId");
        long ts = timestamp(node);
        double kw = requiredNumber(node, "kw");
        return new Reading(meterId, ts, kw,
                optionalNumber(node, "importKwh"),
                optionalNumber(node, "exportKwh"),
                optionalNumber(node, "kvar"),
                optionalNumbers(node, "voltageV"),
                optionalNumbers(node, "currentA"),
                optionalNumber(node, "pf"));
    }

    /**
     * Parses a concentrator batch envelope. The readings are returned as JSON nodes so the caller
     * can accept the good ones and dead-letter the bad ones one by one.
     */
    public BatchEnvelope decodeBatch(byte[] bytes) throws InvalidReadingException {
        JsonNode node = parse(bytes);
        if (!node.isObject()) {
            throw new InvalidReadingException(RejectReason.NOT_JSON, "a batch must be a JSON object");
        }
        String concentratorId = requiredId(node, "concentratorId");
        JsonNode readings = node.get("readings");
        if (readings == null || readings.isNull()) {
            throw new InvalidReadingException(RejectReason.MISSING_FIELD, "readings: missing");
        }
        if (!readings.isArray()) {
            throw new InvalidReadingException(RejectReason.WRONG_TYPE, "readings: expected an array");
        }
        return new BatchEnvelope(concentratorId, readings);
    }

    /** The bytes of one element of a batch, for the dead-letter topic. */
    public byte[] toBytes(JsonNode node) {
        try {
            return mapper.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode parse(byte[] bytes) throws InvalidReadingException {
        requireUtf8(bytes);
        try {
            JsonNode node = mapper.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new InvalidReadingException(RejectReason.NOT_JSON, "empty payload");
            }
            return node;
        } catch (IOException e) {
            throw new InvalidReadingException(RejectReason.NOT_JSON, firstLine(e.getMessage()));
        }
    }

    private static void requireUtf8(byte[] bytes) throws InvalidReadingException {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new InvalidReadingException(RejectReason.NOT_UTF8, "payload is not valid UTF-8");
        }
    }

    private static String requiredText(JsonNode node, String field) throws InvalidReadingException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidReadingException(RejectReason.MISSING_FIELD, field + ": missing");
        }
        if (!v.isTextual()) {
            throw new InvalidReadingException(RejectReason.WRONG_TYPE, field + ": expected a string, got " + v.getNodeType());
        }
        if (v.textValue().isBlank()) {
            throw new InvalidReadingException(RejectReason.MISSING_FIELD, field + ": blank");
        }
        return v.textValue();
    }

    private static String requiredId(JsonNode node, String field) throws InvalidReadingException {
        String id = requiredText(node, field);
        String problem = idProblem(id);
        if (problem != null) {
            throw new InvalidReadingException(RejectReason.BAD_ID, field + ": " + problem);
        }
        return id;
    }

    /** Whether {@code id} may name a meter, customer or asset: it ends up in MQTT topics and InfluxDB tags. */
    public static boolean isValidId(String id) {
        return id != null && !id.isBlank() && idProblem(id) == null;
    }

    private static String idProblem(String id) {
        if (id.length() > MAX_ID_LENGTH) {
            return id.length() + " characters, at most " + MAX_ID_LENGTH;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c == 0x7F || c == '/' || c == '+' || c == '#') {
                return "contains " + (c < 0x20 || c == 0x7F ? "a control character" : "'" + c + "'") + " at " + i;
            }
        }
        return null;
    }

    private static double requiredNumber(JsonNode node, String field) throws InvalidReadingException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new InvalidReadingException(RejectReason.MISSING_FIELD, field + ": missing");
        }
        return number(v, field);
    }

    private static Double optionalNumber(JsonNode node, String field) throws InvalidReadingException {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : number(v, field);
    }

    private static double[] optionalNumbers(JsonNode node, String field) throws InvalidReadingException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new InvalidReadingException(RejectReason.WRONG_TYPE, field + ": expected an array of numbers");
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = number(v.get(i), field + "[" + i + "]");
        }
        return out;
    }

    private static double number(JsonNode v, String field) throws InvalidReadingException {
        if (!v.isNumber()) {
            throw new InvalidReadingException(RejectReason.WRONG_TYPE, field + ": expected a number, got " + v.getNodeType());
        }
        double d = v.doubleValue();
        if (!Double.isFinite(d)) {
            throw new InvalidReadingException(RejectReason.NOT_FINITE, field + ": " + d);
        }
        return d;
    }

    private static long timestamp(JsonNode node) throws InvalidReadingException {
        JsonNode v = node.get("ts");
        if (v == null || v.isNull()) {
            throw new InvalidReadingException(RejectReason.MISSING_FIELD, "ts: missing");
        }
        if (v.isIntegralNumber()) {
            if (!v.canConvertToLong()) {
                throw new InvalidReadingException(RejectReason.BAD_TIMESTAMP, "ts: out of range");
            }
            return v.longValue();
        }
        if (v.isTextual()) {
            try {
                return OffsetDateTime.parse(v.textValue()).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new InvalidReadingException(RejectReason.BAD_TIMESTAMP,
                        "ts: expected ISO-8601 with offset or epoch millis, got '" + abbreviate(v.textValue()) + "'");
            }
        }
        throw new InvalidReadingException(RejectReason.WRONG_TYPE,
                "ts: expected epoch millis (integer) or ISO-8601 string, got " + v.getNodeType());
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unparseable JSON";
        }
        int nl = message.indexOf('\n');
        return abbreviate(nl < 0 ? message : message.substring(0, nl));
    }

    // ------------------------------------------------------------------ encoding

    /** The normalized form written to {@code kw.readings}. */
    public byte[] encode(Reading r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        try (JsonGenerator g = factory.createGenerator(out)) {
            writeReading(g, r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public byte[] encode(ConcentratorBatch batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 160 * batch.readings().size());
        try (JsonGenerator g = factory.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("concentratorId", batch.concentratorId());
            g.writeArrayFieldStart("readings");
            for (Reading r : batch.readings()) {
                writeReading(g, r);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeReading(JsonGenerator g, Reading r) throws IOException {
        g.writeStartObject();
        g.writeStringField("meterId", r.meterId());
        g.writeNumberField("ts", r.ts());
        g.writeNumberField("kw", r.kw());
        writeOptional(g, "importKwh", r.importKwh());
        writeOptional(g, "exportKwh", r.exportKwh());
        writeOptional(g, "kvar", r.kvar());
        writeOptional(g, "voltageV", r.voltageV());
        writeOptional(g, "currentA", r.currentA());
        writeOptional(g, "pf", r.pf());
        g.writeEndObject();
    }

    private static void writeOptional(JsonGenerator g, String field, Double v) throws IOException {
        if (v != null) {
            g.writeNumberField(field, v);
        }
    }

    private static void writeOptional(JsonGenerator g, String field, double[] v) throws IOException {
        if (v != null) {
            g.writeArrayFieldStart(field);
            for (double d : v) {
                g.writeNumber(d);
            }
            g.writeEndArray();
        }
    }

}

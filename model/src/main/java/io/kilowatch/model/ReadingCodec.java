package io.kilowatch.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import java.util.Arrays;
import java.util.List;

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
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_NESTING)
                        .build())
                .build();
        this.mapper = JsonMapper.builder(f).build();
        this.factory = f;
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Decodes one reading; {@code bytes} must be a JSON object. Reads the tokens straight into
     * the reading (no tree): this is the path of every single-reading message and of every
     * record of kw.readings. Same rules and the same reasons and details as
     * {@link #decodeReading(JsonNode)}, which batch elements go through.
     */
    public Reading decodeReading(byte[] bytes) throws InvalidReadingException {
        requireUtf8(bytes);
        try (JsonParser p = factory.createParser(bytes)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                throw new InvalidReadingException(RejectReason.NOT_JSON, "empty payload");
            }
            if (first != JsonToken.START_OBJECT) {
                throw new InvalidReadingException(RejectReason.NOT_JSON, "a reading must be a JSON object");
            }
            return new StreamedReading().read(p);
        } catch (InvalidReadingException e) {
            throw e;
        } catch (IOException e) {
            throw new InvalidReadingException(RejectReason.NOT_JSON, firstLine(e.getMessage()));
        }
    }

    /**
     * One reading's fields as the parser meets them. Like the tree, a repeated field keeps its
     * last value and a null is absent; values are checked once the object is read, in the tree
     * path's order, so both paths reject a payload with the same reason and detail.
     */
    private static final class StreamedReading {
        /** For each field: null when absent or null, else the value's type as the tree names it. */
        private String meterIdType;

        private String meterId;
        private String tsType;
        private Long tsMillis;
        private boolean tsOutOfRange;
        private String tsText;
        private final String[] numberTypes = new String[NUMBER_FIELDS.size()];
        private final double[] numbers = new double[NUMBER_FIELDS.size()];
        private final Object[] arrays = new Object[ARRAY_FIELDS.size()];

        Reading read(JsonParser p) throws IOException, InvalidReadingException {
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken t = p.nextToken();
                String type = t == JsonToken.VALUE_NULL ? null : nodeType(t);
                switch (field) {
                    case "meterId" -> {
                        meterIdType = type;
                        meterId = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    }
                    case "ts" -> {
                        tsType = type;
                        tsOutOfRange = t == JsonToken.VALUE_NUMBER_INT
                                && p.getNumberType() == JsonParser.NumberType.BIG_INTEGER;
                        tsMillis = t == JsonToken.VALUE_NUMBER_INT && !tsOutOfRange ? p.getLongValue() : null;
                        tsText = t == JsonToken.VALUE_STRING ? p.getText() : null;
                    }
                    // One switch, not a scan of the field lists: this runs for every field of every reading.
                    case "kw" -> number(0, t, type, p);
                    case "importKwh" -> number(1, t, type, p);
                    case "exportKwh" -> number(2, t, type, p);
                    case "kvar" -> number(3, t, type, p);
                    case "pf" -> number(4, t, type, p);
                    case "voltageV" -> arrays[0] = t == JsonToken.START_ARRAY ? elements(p) : type;
                    case "currentA" -> arrays[1] = t == JsonToken.START_ARRAY ? elements(p) : type;
                    default -> {}
                }
                p.skipChildren();
            }
            String id = checkedId("meterId", meterId, meterIdType);
            long ts = checkedTimestamp(tsType, tsMillis, tsOutOfRange, tsText);
            double kw = number(0);
            return new Reading(id, ts, kw, optional(1), optional(2), optional(3), array(0), array(1), optional(4));
        }

        private void number(int i, JsonToken t, String type, JsonParser p) throws IOException {
            numberTypes[i] = type;
            numbers[i] = t.isNumeric() ? p.getDoubleValue() : Double.NaN;
        }

        /** An array's numbers and where its first element that is not a number is, if any. */
        private record Elements(double[] values, int badIndex, String badType) {}

        private static Elements elements(JsonParser p) throws IOException {
            double[] out = new double[3];
            int n = 0;
            int badIndex = -1;
            String badType = null;
            for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
                if (badIndex < 0 && !e.isNumeric()) {
                    badIndex = n;
                    badType = nodeType(e);
                }
                double d = e.isNumeric() ? p.getDoubleValue() : Double.NaN;
                p.skipChildren();
                if (n == out.length) {
                    out = Arrays.copyOf(out, n * 2);
                }
                out[n++] = d;
            }
            return new Elements(Arrays.copyOf(out, n), badIndex, badType);
        }

        private double number(int i) throws InvalidReadingException {
            String field = NUMBER_FIELDS.get(i);
            if (numberTypes[i] == null) {
                throw new InvalidReadingException(RejectReason.MISSING_FIELD, field + ": missing");
            }
            return checkedNumber(field, numberTypes[i], numbers[i]);
        }

        private Double optional(int i) throws InvalidReadingException {
            return numberTypes[i] == null ? null : number(i);
        }

        private double[] array(int i) throws InvalidReadingException {
            Object v = arrays[i];
            String field = ARRAY_FIELDS.get(i);
            if (v == null) {
                return null;
            }
            if (!(v instanceof Elements a)) {
                throw new InvalidReadingException(RejectReason.WRONG_TYPE, field + ": expected an array of numbers");
            }
            for (int k = 0; k < a.values().length; k++) {
                checkedNumber(field + "[" + k + "]", k == a.badIndex() ? a.badType() : "NUMBER", a.values()[k]);
            }
            return a.values();
        }
    }

    private static final List<String> NUMBER_FIELDS = List.of("kw", "importKwh", "exportKwh", "kvar", "pf");
    private static final List<String> ARRAY_FIELDS = List.of("voltageV", "currentA");

    /** What {@link JsonNode#getNodeType()} calls the value a token starts, for the same messages on both paths. */
    private static String nodeType(JsonToken t) {
        return switch (t) {
            case VALUE_STRING -> "STRING";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER";
            case VALUE_TRUE, VALUE_FALSE -> "BOOLEAN";
            case START_ARRAY -> "ARRAY";
            case START_OBJECT -> "OBJECT";
            case VALUE_NULL -> "NULL";
            default -> t.name();
        };
    }

    /** Decodes one reading from an already parsed JSON node (e.g. an element of a batch). */
    public Reading decodeReading(JsonNode node) throws InvalidReadingException {
        if (node == null || !node.isObject()) {
            throw new InvalidReadingException(RejectReason.NOT_JSON, "a reading must be a JSON object");
        }
        String meterId = requiredId(node, "meterId");
        long ts = timestamp(node);
        double kw = requiredNumber(node, "kw");
        return new Reading(
                meterId,
                ts,
                kw,
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
        if (isAscii(bytes)) {
            return; // nearly every payload: no decoder, no char buffer
        }
        try {
            StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
        } catch (CharacterCodingException e) {
            throw new InvalidReadingException(RejectReason.NOT_UTF8, "payload is not valid UTF-8");
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static String requiredId(JsonNode node, String field) throws InvalidReadingException {
        JsonNode v = node.get(field);
        boolean absent = v == null || v.isNull();
        return checkedId(
                field,
                absent || !v.isTextual() ? null : v.textValue(),
                absent ? null : v.getNodeType().name());
    }

    /** {@code type}: null when absent or null, else the JSON type of the value (STRING for {@code text}). */
    private static String checkedId(String field, String text, String type) throws InvalidReadingException {
        if (type == null) {
            throw new InvalidReadingException(RejectReason.MISSING_FIELD, field + ": missing");
        }
        if (text == null) {
            throw new InvalidReadingException(RejectReason.WRONG_TYPE, field + ": expected a string, got " + type);
        }
        if (text.isBlank()) {
            throw new InvalidReadingException(RejectReason.MISSING_FIELD, field + ": blank");
        }
        String problem = idProblem(text);
        if (problem != null) {
            throw new InvalidReadingException(RejectReason.BAD_ID, field + ": " + problem);
        }
        return text;
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
        return checkedNumber(field, v.getNodeType().name(), v.isNumber() ? v.doubleValue() : Double.NaN);
    }

    /** {@code type}: the JSON type of the value, NUMBER for {@code value}. */
    private static double checkedNumber(String field, String type, double value) throws InvalidReadingException {
        if (!type.equals("NUMBER")) {
            throw new InvalidReadingException(RejectReason.WRONG_TYPE, field + ": expected a number, got " + type);
        }
        if (!Double.isFinite(value)) {
            throw new InvalidReadingException(RejectReason.NOT_FINITE, field + ": " + value);
        }
        return value;
    }

    private static long timestamp(JsonNode node) throws InvalidReadingException {
        JsonNode v = node.get("ts");
        boolean absent = v == null || v.isNull();
        boolean integral = !absent && v.isIntegralNumber();
        return checkedTimestamp(
                absent ? null : v.getNodeType().name(),
                integral && v.canConvertToLong() ? v.longValue() : null,
                integral && !v.canConvertToLong(),
                !absent && v.isTextual() ? v.textValue() : null);
    }

    /**
     * {@code type}: null when absent or null, else the JSON type; {@code millis}: the value when it
     * is an integer that fits a long, {@code outOfRange} when it is one that does not;
     * {@code text}: the value when it is a string.
     */
    private static long checkedTimestamp(String type, Long millis, boolean outOfRange, String text)
            throws InvalidReadingException {
        if (type == null) {
            throw new InvalidReadingException(RejectReason.MISSING_FIELD, "ts: missing");
        }
        if (millis != null) {
            return millis;
        }
        if (outOfRange) {
            throw new InvalidReadingException(RejectReason.BAD_TIMESTAMP, "ts: out of range");
        }
        if (text != null) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new InvalidReadingException(
                        RejectReason.BAD_TIMESTAMP,
                        "ts: expected ISO-8601 with offset or epoch millis, got '" + abbreviate(text) + "'");
            }
        }
        throw new InvalidReadingException(
                RejectReason.WRONG_TYPE, "ts: expected epoch millis (integer) or ISO-8601 string, got " + type);
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
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(64 + 160 * batch.readings().size());
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

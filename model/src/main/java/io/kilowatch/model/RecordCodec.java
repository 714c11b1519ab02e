package io.kilowatch.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON codec of a record type whose field names are its JSON names: unknown fields are ignored
 * (newer writers may add some), a missing number is an error, and a failed decode says what the
 * bytes were not. Thread-safe; share one instance.
 */
public class RecordCodec<T> {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            // money travels as exact decimals, written plainly (12600.00, not 1.26E+4)
            .enable(com.fasterxml.jackson.core.StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
            .build();

    private final Class<T> type;
    private final String what;

    /** @param what how a failed decode names the type, e.g. "a registry entry" */
    protected RecordCodec(Class<T> type, String what) {
        this.type = type;
        this.what = what;
    }

    public byte[] encode(T value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IOException when the bytes are not a {@code T} (the message says why) */
    public T decode(byte[] bytes) throws IOException {
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException | RuntimeException e) {
            throw new IOException("not " + what + ": " + e.getMessage(), e);
        }
    }
}

package io.kilowatch.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON codec of {@link Alert}: field names as in the record, state as OPEN/RESOLVED. Thread-safe. */
public final class AlertCodec {
    private final ObjectMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public byte[] encode(Alert a) {
        try {
            return mapper.writeValueAsBytes(a);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws IOException when the bytes are not an alert (the message says why) */
    public Alert decode(byte[] bytes) throws IOException {
        try {
            return mapper.readValue(bytes, Alert.class);
        } catch (IOException | RuntimeException e) {
            throw new IOException("not an alert: " + e.getMessage(), e);
        }
    }
}

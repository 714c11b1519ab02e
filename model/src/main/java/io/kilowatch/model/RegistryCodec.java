package io.kilowatch.model;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON codec of {@link RegistryEntry}: field names as in the record. Thread-safe. */
public final class RegistryCodec {
    private final ObjectMapper mapper = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    public byte[] encode(RegistryEntry e) {
        try {
            return mapper.writeValueAsBytes(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** @throws IOException when the bytes are not a registry entry (the message says why) */
    public RegistryEntry decode(byte[] bytes) throws IOException {
        try {
            return mapper.readValue(bytes, RegistryEntry.class);
        } catch (IOException | RuntimeException e) {
            throw new IOException("not a registry entry: " + e.getMessage(), e);
        }
    }
}

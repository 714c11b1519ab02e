package io.kilowatch.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A concentrator batch whose envelope is valid; its readings are still undecoded JSON so that
 * each one is validated on its own (one bad reading must not sink the good ones beside it).
 */
public record BatchEnvelope(String concentratorId, JsonNode readings) {
    public int size() {
        return readings.size();
    }

    public JsonNode reading(int i) {
        return readings.get(i);
    }
}

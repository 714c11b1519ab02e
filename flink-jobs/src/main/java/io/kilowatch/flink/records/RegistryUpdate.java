package io.kilowatch.flink.records;

import io.kilowatch.model.RegistryEntry;

/** One record of kw.registry: the meter's entry, or null when the meter was removed (a tombstone). */
public record RegistryUpdate(String meterId, RegistryEntry entry) implements java.io.Serializable {
    /** Puts it into an operator's copy of the registry (broadcast state): the entry, or the meter's removal. */
    public void applyTo(org.apache.flink.api.common.state.BroadcastState<String, RegistryEntry> registry)
            throws Exception {
        if (entry == null) {
            registry.remove(meterId);
        } else {
            registry.put(meterId, entry);
        }
    }
}

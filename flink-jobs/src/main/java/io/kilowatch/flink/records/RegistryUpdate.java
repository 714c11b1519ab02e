package io.kilowatch.flink.records;

import io.kilowatch.model.RegistryEntry;

/** One record of kw.registry: the meter's entry, or null when the meter was removed (a tombstone). */
public record RegistryUpdate(String meterId, RegistryEntry entry) implements java.io.Serializable {}

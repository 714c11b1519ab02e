package io.kilowatch.model;

/** JSON codec of {@link RegistryEntry}: field names as in the record. Thread-safe. */
public final class RegistryCodec extends RecordCodec<RegistryEntry> {
    public RegistryCodec() {
        super(RegistryEntry.class, "a registry entry");
    }
}

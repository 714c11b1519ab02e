package io.kilowatch.model;

/** JSON codec of {@link Alert}: field names as in the record, state as OPEN/RESOLVED. Thread-safe. */
public final class AlertCodec extends RecordCodec<Alert> {
    public AlertCodec() {
        super(Alert.class, "an alert");
    }
}

package io.kilowatch.model;

/** JSON of a {@link Hint}: field names as the record's; amounts as exact decimals. */
public final class HintCodec extends RecordCodec<Hint> {
    public HintCodec() {
        super(Hint.class, "a tariff hint");
    }
}

package io.kilowatch.model;

/** Kafka header names on {@code kw.readings.dlq} records. The value is always the original bytes. */
public final class DeadLetterHeaders {
    private DeadLetterHeaders() {}

    /** {@link RejectReason} name. */
    public static final String REASON = "reason";
    /** Human-readable detail: which field, what was wrong. */
    public static final String DETAIL = "detail";
    /** The MQTT topic the payload arrived on. */
    public static final String SOURCE_TOPIC = "source.topic";
    /** When the bridge rejected it, ISO-8601 UTC. */
    public static final String REJECTED_AT = "rejected.at";
    /** For a reading inside a concentrator batch: its index in the batch. */
    public static final String BATCH_INDEX = "batch.index";
}

package io.kilowatch.model;

/**
 * Why a payload or one reading inside it was not accepted. The name travels in the
 * {@code reason} header of {@code kw.readings.dlq}; operators filter and count by it, so these
 * names are part of the contract: add, don't rename.
 */
public enum RejectReason {
    /** Bytes are not valid UTF-8. */
    NOT_UTF8,
    /** Not parseable as JSON, or JSON of the wrong shape (e.g. an array where an object belongs). */
    NOT_JSON,
    /** A required field is absent or null. */
    MISSING_FIELD,
    /** A field has the wrong JSON type (a string where a number belongs, a fraction as ts, …). */
    WRONG_TYPE,
    /** NaN or an infinite number. */
    NOT_FINITE,
    /** A timestamp that is not ISO-8601 with an offset nor epoch milliseconds. */
    BAD_TIMESTAMP,
    /** The payload is larger than the configured limit. */
    TOO_LARGE,
    /** The meterId in the body differs from the one in the topic: no device speaks for another. */
    METER_MISMATCH,
    /** A value outside its physical or configured bounds (negative register, |pf| > 1, 10 GW, …). */
    OUT_OF_RANGE,
    /** The timestamp is further in the future than the allowed clock skew. */
    TIMESTAMP_IN_FUTURE,
    /** The timestamp is older than the accepted horizon (a backfill goes another way). */
    TIMESTAMP_TOO_OLD,
    /**
     * An id (meterId, concentratorId) longer than {@link ReadingCodec#MAX_ID_LENGTH} or holding
     * control characters or MQTT's {@code / + #}: ids become MQTT topics and InfluxDB tags.
     */
    BAD_ID,
    /** A row of an imported file that is not one reading (more cells than its header names). */
    BAD_ROW,
    /** A concentrator batch whose body names another concentrator than its topic: no device speaks for another. */
    CONCENTRATOR_MISMATCH,
    /**
     * A reading in a concentrator's batch for a meter the registry does not say that concentrator
     * reads: it is dead-lettered, the batch's other readings go through.
     */
    NOT_SERVED
}

package io.kilowatch.ingest;

import io.kilowatch.model.RejectReason;
import java.util.List;

/**
 * What one MQTT message turned into: readings to forward (key = meterId, value = normalized
 * JSON) and rejects to dead-letter (original bytes and why). Every reading in the message is in
 * exactly one of the two lists, which is what makes the counts reconcile.
 */
public record Routed(List<Accepted> accepted, List<Rejected> rejected) {

    public record Accepted(String meterId, byte[] value) {}

    /** {@code batchIndex} is -1 when the whole message was rejected. */
    public record Rejected(byte[] original, RejectReason reason, String detail, int batchIndex) {}

    public static Routed rejectedWhole(byte[] original, RejectReason reason, String detail) {
        return new Routed(List.of(), List.of(new Rejected(original, reason, detail, -1)));
    }
}

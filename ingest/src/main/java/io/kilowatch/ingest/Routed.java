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

    /**
     * Originals up to this size go to the dead-letter topic whole. A larger one would, with its
     * key and headers, exceed Kafka's 1 MiB request limit: a send that fails for ever, so a
     * message never acknowledged. It keeps its first {@link #SAMPLE_BYTES} bytes instead.
     */
    static final int MAX_WHOLE_ORIGINAL_BYTES = 512 * 1024;
    static final int SAMPLE_BYTES = 64 * 1024;

    public static Routed rejectedWhole(byte[] original, RejectReason reason, String detail) {
        if (original.length > MAX_WHOLE_ORIGINAL_BYTES) {
            return new Routed(List.of(), List.of(new Rejected(java.util.Arrays.copyOf(original, SAMPLE_BYTES), reason,
                    detail + " (" + original.length + " bytes; first " + SAMPLE_BYTES + " kept)", -1)));
        }
        return new Routed(List.of(), List.of(new Rejected(original, reason, detail, -1)));
    }
}

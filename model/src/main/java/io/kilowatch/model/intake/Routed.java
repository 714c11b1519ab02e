package io.kilowatch.model.intake;

import io.kilowatch.model.DeadLetterHeaders;
import io.kilowatch.model.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one MQTT message turned into: readings to forward (key = meterId, value = normalized
 * JSON) and rejects to dead-letter (original bytes and why). Every reading in the message is in
 * exactly one of the two lists, which is what makes the counts reconcile.
 */
public record Routed(List<Accepted> accepted, List<Rejected> rejected) {

    /** {@code ts}: the reading's event time, epoch ms. */
    public record Accepted(String meterId, long ts, byte[] value) {}

    /** {@code batchIndex} is -1 when the whole message was rejected. */
    public record Rejected(byte[] original, RejectReason reason, String detail, int batchIndex) {
        /**
         * The headers of its {@code kw.readings.dlq} record ({@link DeadLetterHeaders}), in order:
         * the bridge and the history import write the same ones, so operators filter both alike.
         *
         * @param source where it came from: the MQTT topic, or {@code import:FILE:LINE}
         */
        public Map<String, byte[]> headers(String source, String rejectedAt) {
            Map<String, byte[]> h = new LinkedHashMap<>();
            h.put(DeadLetterHeaders.REASON, utf8(reason.name()));
            h.put(DeadLetterHeaders.DETAIL, utf8(detail));
            h.put(DeadLetterHeaders.SOURCE_TOPIC, utf8(source));
            h.put(DeadLetterHeaders.REJECTED_AT, utf8(rejectedAt));
            if (batchIndex >= 0) {
                h.put(DeadLetterHeaders.BATCH_INDEX, utf8(Integer.toString(batchIndex)));
            }
            return h;
        }

        private static byte[] utf8(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * Originals up to this size go to the dead-letter topic whole. A larger one would, with its
     * key and headers, exceed Kafka's 1 MiB request limit: a send that fails for ever, so a
     * message never acknowledged. It keeps its first {@link #SAMPLE_BYTES} bytes instead.
     */
    public static final int MAX_WHOLE_ORIGINAL_BYTES = 512 * 1024;

    public static final int SAMPLE_BYTES = 64 * 1024;

    public static Routed rejectedWhole(byte[] original, RejectReason reason, String detail) {
        if (original.length > MAX_WHOLE_ORIGINAL_BYTES) {
            return new Routed(
                    List.of(),
                    List.of(new Rejected(
                            java.util.Arrays.copyOf(original, SAMPLE_BYTES),
                            reason,
                            detail + " (" + original.length + " bytes; first " + SAMPLE_BYTES + " kept)",
                            -1)));
        }
        return new Routed(List.of(), List.of(new Rejected(original, reason, detail, -1)));
    }
}

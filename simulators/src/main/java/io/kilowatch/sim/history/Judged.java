package io.kilowatch.sim.history;

import io.kilowatch.model.RejectReason;
import io.kilowatch.model.intake.Routed;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An import after judging, before writing: the accepted readings in event-time order (so a
 * backfill's watermark moves through them as through live data, whatever order the file was
 * in), the dead letters with their reasons, and the counts that must reconcile:
 * {@code read = accepted + deadLettered + outsideRange}.
 */
public final class Judged {
    /** A reading to write to kw.readings: its key, event time and normalized JSON. */
    public record Accepted(String meterId, long ts, byte[] value) {}

    /** A reject to write to kw.readings.dlq, with where it came from. */
    public record DeadLetter(String source, Routed.Rejected rejected) {}

    private final List<Accepted> accepted = new ArrayList<>();
    private final List<DeadLetter> deadLetters = new ArrayList<>();
    private final Map<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
    private long read;
    private long outsideRange;

    void countRead() {
        read++;
    }

    void accept(String meterId, long ts, byte[] value) {
        accepted.add(new Accepted(meterId, ts, value));
    }

    void deadLetter(String source, Routed.Rejected r) {
        deadLetters.add(new DeadLetter(source, r));
        byReason.merge(r.reason(), 1L, Long::sum);
    }

    void countOutsideRange() {
        outsideRange++;
    }

    Judged sorted() {
        accepted.sort(Comparator.comparingLong(Accepted::ts).thenComparing(Accepted::meterId));
        return this;
    }

    public List<Accepted> accepted() {
        return accepted;
    }

    public List<DeadLetter> deadLetters() {
        return deadLetters;
    }

    public Map<RejectReason, Long> deadLetteredByReason() {
        return byReason;
    }

    public long read() {
        return read;
    }

    /** Valid readings outside {@code --from .. --to}: not written, counted. */
    public long outsideRange() {
        return outsideRange;
    }

    public boolean reconciles() {
        return read == accepted.size() + deadLetters.size() + outsideRange;
    }
}

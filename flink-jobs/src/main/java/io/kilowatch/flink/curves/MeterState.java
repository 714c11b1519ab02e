package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.BillingTerms;
import io.kilowatch.flink.records.Cell;
import io.kilowatch.model.RegistryEntry;

/**
 * Everything {@link MeterIntervals} keeps for one meter, in one state entry, so a reading costs
 * one state read and one write: the open and not-yet-final 15-minute intervals (a handful, kept
 * sorted by start), the last real one (to fill gaps), the newest register sample and the offset
 * that unwraps rollovers and resets, and the local day being folded into KPIs. Written by
 * {@link MeterStateSerializer}. (1-minute intervals are built by the meter's cell.)
 */
public final class MeterState {
    private static final IntervalAcc[] NONE = new IntervalAcc[0];
    private static final long[] NO_STARTS = new long[0];
    private static final double[] NO_KW = new double[0];

    IntervalAcc[] intervals = NONE;
    /** The intervals' starts side by side: a lookup scans a few longs, not a few objects. */
    private long[] starts = NO_STARTS;

    long lastRealStart = Long.MIN_VALUE;
    double lastRealKw = Double.NaN;
    long lastRegTs = Long.MIN_VALUE;
    double lastRegRaw = Double.NaN;
    double registerOffset;
    DayAcc day;
    /**
     * Counted readings of a meter the registry did not know when they were processed, held
     * until their minute closes (start, kW; the first {@code deferred} slots): the registry is a
     * broadcast input that may arrive after the first readings, and a minute's membership must
     * be the registry's word, not the order of arrival.
     */
    long[] deferredStart = NO_STARTS;

    double[] deferredKw = NO_KW;
    int deferred;
    /** The meter's registry entry as last looked up, and the registry version then; not checkpointed. */
    RegistryEntry entry;

    long entryVersion;
    boolean entryLooked;
    /** Where a meter's data goes, as its registry entry says: worked out once per entry, not per reading. */
    record Membership(Cell cell, String feederId, String region, boolean meterCurve, BillingTerms billing) {}

    /** Not checkpointed: rebuilt on first use after a restore or a copy. */
    private RegistryEntry membershipOf;

    private Membership membership;

    Membership membership(RegistryEntry entry, String meterId, CurveRules rules) {
        if (membership == null || entry != membershipOf) {
            membershipOf = entry;
            boolean rollsUp = entry != null && !RegistryEntry.isTransformerMeter(entry);
            membership = new Membership(
                    Cell.of(entry),
                    rollsUp ? entry.feederId() : null,
                    rollsUp ? entry.region() : null,
                    rules.meterMinuteCurve(meterId, entry),
                    BillingTerms.of(entry));
        }
        return membership;
    }

    /** The interval starting at {@code start}, or null. */
    IntervalAcc get(long start) {
        long[] s = starts();
        for (int i = 0; i < s.length; i++) {
            if (s[i] == start) {
                return intervals[i];
            }
        }
        return null;
    }

    private long[] starts() {
        if (starts.length != intervals.length) {
            // Set afresh after a change or a restore (the serializer fills only the intervals).
            long[] s = new long[intervals.length];
            for (int j = 0; j < intervals.length; j++) {
                s[j] = intervals[j].start;
            }
            starts = s;
        }
        return starts;
    }

    void put(IntervalAcc acc) {
        IntervalAcc[] old = intervals;
        int at = 0;
        while (at < old.length && old[at].start < acc.start) {
            at++;
        }
        if (at < old.length && old[at].start == acc.start) {
            old[at] = acc;
            return;
        }
        starts = NO_STARTS;
        IntervalAcc[] grown = new IntervalAcc[old.length + 1];
        System.arraycopy(old, 0, grown, 0, at);
        grown[at] = acc;
        System.arraycopy(old, at, grown, at + 1, old.length - at);
        intervals = grown;
    }

    void remove(long start) {
        IntervalAcc[] old = intervals;
        for (int i = 0; i < old.length; i++) {
            if (old[i].start == start) {
                IntervalAcc[] shrunk = new IntervalAcc[old.length - 1];
                System.arraycopy(old, 0, shrunk, 0, i);
                System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                intervals = shrunk.length == 0 ? NONE : shrunk;
                starts = NO_STARTS;
                return;
            }
        }
    }

    IntervalAcc[] all() {
        return intervals;
    }

    boolean hasIntervals() {
        return intervals.length > 0;
    }

    void defer(long minuteStart, double kw) {
        if (deferred == deferredStart.length) {
            int capacity = Math.max(4, deferred * 2);
            deferredStart = java.util.Arrays.copyOf(deferredStart, capacity);
            deferredKw = java.util.Arrays.copyOf(deferredKw, capacity);
        }
        deferredStart[deferred] = minuteStart;
        deferredKw[deferred] = kw;
        deferred++;
    }

    /** Drops the deferred readings for which {@code sent} is true, keeping the others in order. */
    void keepDeferred(boolean[] sent) {
        int kept = 0;
        for (int i = 0; i < deferred; i++) {
            if (!sent[i]) {
                deferredStart[kept] = deferredStart[i];
                deferredKw[kept] = deferredKw[i];
                kept++;
            }
        }
        deferred = kept;
        if (kept == 0) {
            deferredStart = NO_STARTS;
            deferredKw = NO_KW;
        }
    }
}

package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.Interval;
import io.kilowatch.model.RegistryEntry;

/**
 * Everything {@link MeterIntervals} keeps for one meter, in one state entry, so a reading costs
 * one state read and one write: the open and not-yet-final intervals of each length (a handful,
 * kept sorted by start), the last real point of each length (to fill gaps), the newest register
 * sample and the offset that unwraps rollovers and resets, and the local day being folded into
 * KPIs. Written by {@link MeterStateSerializer}.
 */
public final class MeterState {
    private static final IntervalAcc[] NONE = new IntervalAcc[0];
    private static final long[] NO_STARTS = new long[0];

    IntervalAcc[][] intervals = {NONE, NONE};
    /** The intervals' starts side by side: a lookup scans a few longs, not a few objects. */
    private long[][] starts = {NO_STARTS, NO_STARTS};

    long[] lastRealStart = {Long.MIN_VALUE, Long.MIN_VALUE};
    double[] lastRealKw = {Double.NaN, Double.NaN};
    long lastRegTs = Long.MIN_VALUE;
    double lastRegRaw = Double.NaN;
    double registerOffset;
    DayAcc day;
    /** The meter's registry entry as last looked up, and the registry version then; not checkpointed. */
    RegistryEntry entry;

    long entryVersion;
    boolean entryLooked;
    /** Where a meter's data goes, as its registry entry says: worked out once per entry, not per reading. */
    record Membership(
            String cell,
            String transformerId,
            String customerClass,
            String feederId,
            String region,
            boolean meterCurve,
            io.kilowatch.flink.records.BillingTerms billing) {}

    /** Not checkpointed: rebuilt on first use after a restore or a copy. */
    private RegistryEntry membershipOf;

    private Membership membership;

    Membership membership(RegistryEntry entry, String meterId, CurveRules rules) {
        if (membership == null || entry != membershipOf) {
            String cell = MeterIntervals.cellOf(entry);
            membershipOf = entry;
            boolean rollsUp = entry != null && !RegistryEntry.isTransformerMeter(entry);
            membership = new Membership(
                    cell,
                    MeterIntervals.transformerOf(cell),
                    MeterIntervals.classOf(cell),
                    rollsUp ? entry.feederId() : null,
                    rollsUp ? entry.region() : null,
                    rules.meterMinuteCurve(meterId, entry),
                    io.kilowatch.flink.records.BillingTerms.of(entry));
        }
        return membership;
    }

    IntervalAcc get(Interval iv, long start) {
        long[] s = startsOf(iv.ordinal());
        for (int i = 0; i < s.length; i++) {
            if (s[i] == start) {
                return intervals[iv.ordinal()][i];
            }
        }
        return null;
    }

    private long[] startsOf(int i) {
        IntervalAcc[] accs = intervals[i];
        long[] s = starts[i];
        if (s.length != accs.length) {
            // Set afresh after a change or a restore (the serializer fills only the intervals).
            s = new long[accs.length];
            for (int j = 0; j < accs.length; j++) {
                s[j] = accs[j].start;
            }
            starts[i] = s;
        }
        return s;
    }

    void put(Interval iv, IntervalAcc acc) {
        IntervalAcc[] old = intervals[iv.ordinal()];
        int at = 0;
        while (at < old.length && old[at].start < acc.start) {
            at++;
        }
        if (at < old.length && old[at].start == acc.start) {
            old[at] = acc;
            return;
        }
        starts[iv.ordinal()] = NO_STARTS;
        IntervalAcc[] grown = new IntervalAcc[old.length + 1];
        System.arraycopy(old, 0, grown, 0, at);
        grown[at] = acc;
        System.arraycopy(old, at, grown, at + 1, old.length - at);
        intervals[iv.ordinal()] = grown;
    }

    void remove(Interval iv, long start) {
        IntervalAcc[] old = intervals[iv.ordinal()];
        for (int i = 0; i < old.length; i++) {
            if (old[i].start == start) {
                IntervalAcc[] shrunk = new IntervalAcc[old.length - 1];
                System.arraycopy(old, 0, shrunk, 0, i);
                System.arraycopy(old, i + 1, shrunk, i, old.length - i - 1);
                intervals[iv.ordinal()] = shrunk.length == 0 ? NONE : shrunk;
                starts[iv.ordinal()] = NO_STARTS;
                return;
            }
        }
    }

    IntervalAcc[] all(Interval iv) {
        return intervals[iv.ordinal()];
    }

    boolean hasIntervals() {
        return intervals[0].length > 0 || intervals[1].length > 0;
    }
}

package io.kilowatch.flink.alerts;

/**
 * One condition's life on one subject: it opens after the condition held {@code openAfter} and
 * resolves after it was gone {@code resolveAfter}, in event time, so one odd reading neither
 * raises an alert nor ends one. A mutable POJO: it lives in keyed state, one per condition.
 */
public class Episode {
    public static final long NONE = Long.MIN_VALUE;

    public enum Step {
        NOTHING,
        OPENED,
        RESOLVED
    }

    /** When the condition began to hold (this run), or NONE. */
    public long since = NONE;
    /** While open: when the condition stopped holding, or NONE. */
    public long clearSince = NONE;

    public boolean open;
    /** The event time the open (or last) episode began. */
    public long openedAt = NONE;
    /** The most extreme value of the episode so far. */
    public double worst = Double.NaN;

    /**
     * Feeds one observation at event time {@code ts} (in time order).
     *
     * @param higherIsWorse whether {@link #worst} keeps the highest value or the lowest
     */
    public Step observe(
            long ts, boolean holds, double value, boolean higherIsWorse, long openAfterMs, long resolveAfterMs) {
        if (holds) {
            clearSince = NONE;
            if (since == NONE) {
                since = ts;
                if (!open) {
                    worst = value;
                }
            }
            worst = Double.isNaN(worst) ? value : higherIsWorse ? Math.max(worst, value) : Math.min(worst, value);
            if (!open && ts - since >= openAfterMs) {
                open = true;
                openedAt = since;
                return Step.OPENED;
            }
            return Step.NOTHING;
        }
        since = NONE;
        if (!open) {
            return Step.NOTHING;
        }
        if (clearSince == NONE) {
            clearSince = ts;
        }
        if (ts - clearSince >= resolveAfterMs) {
            open = false;
            clearSince = NONE;
            return Step.RESOLVED;
        }
        return Step.NOTHING;
    }

    /** Opens at once (a condition found by time passing, not by a reading), unless already open. */
    public boolean forceOpen(long openedAt, double value) {
        if (open) {
            return false;
        }
        open = true;
        this.openedAt = openedAt;
        worst = value;
        since = NONE;
        clearSince = NONE;
        return true;
    }

    /** Resolves at once, if open. */
    public boolean forceResolve() {
        if (!open) {
            return false;
        }
        open = false;
        since = NONE;
        clearSince = NONE;
        return true;
    }
}

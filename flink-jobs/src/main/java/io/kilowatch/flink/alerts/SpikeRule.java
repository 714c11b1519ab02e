package io.kilowatch.flink.alerts;

import io.kilowatch.model.Alert;
import java.io.Serializable;
import java.util.function.Consumer;

/**
 * Spikes against the meter's own normal: what it usually draws at this hour of the day (UTC),
 * learnt online from its own readings with their spread, day by day. A reading is <em>out of
 * line</em> when it is above {@code factor} × the hour's usual mean, above the usual mean plus
 * {@code sigmas} standard deviations of this hour and of both neighbouring hours (loads that
 * start at varying times, like an EV charge or a shift, widen their hours), and at least
 * {@code minKw} above the mean. A <em>spike</em> is an excursion of such readings that is over
 * within {@code max} (15 min: what a 15-minute curve hides); a longer one is a change of level
 * — a first EV charge, a new shift, a heat wave — which the capacity and transformer rules judge,
 * not this one. A spike also stands out of its own surroundings: its highest reading is at least
 * {@link #SURROUNDINGS_FACTOR} × the reading before it and every reading in the
 * {@code resolveAfter} after it; an EV charge that starts in an hour its usual does not cover yet
 * and goes on into one that does is out of line for a while, but it does not come back down. So
 * the alert is raised when the excursion has ended (nothing out of line for {@code resolveAfter}),
 * opened at its first reading and resolved at once (1 ms later), with its height and length. Nothing is judged in an hour the meter has not been seen in on {@code learnDays} days.
 *
 * <p>Why hour of day and not hour of week: 168 slots need weeks before anything is judged, and a
 * bursty load (an EV charging on six evenings in ten) leaves many of them without its usual
 * burst for a long time; weekday and weekend differences only widen an hour's spread. Readings
 * less often than {@code max} (half-hourly data) cannot show a spike: one reading already spans
 * longer than a spike lasts.
 */
final class SpikeRule implements Serializable {
    private static final long HOUR_MS = 3_600_000L;
    /** After this many days an hour's usual is an exponentially weighted mean (a day weighs a quarter). */
    private static final int EQUAL_WEIGHT_DAYS = 4;

    private static final double DAY_WEIGHT = 0.25;
    private static final int MAX_DAYS = 100;
    /** A spike stands out of its surroundings: at least this × the reading before it and every reading after it. */
    static final double SURROUNDINGS_FACTOR = 2.0;

    private final AlertRules.Spike p;
    private final long resolveAfterMs;

    SpikeRule(AlertRules.Spike p, long resolveAfterMs) {
        this.p = p;
        this.resolveAfterMs = resolveAfterMs;
    }

    /** One reading, in event-time order; before {@code w.periodMs} and {@code w.lastTs} take it in. */
    void observe(MeterWatch w, AlertSample s, MeterRules.Subject meter, Consumer<Alert> alerts) {
        learn(w, s.ts(), s.kw());
        double limit = limit(w, hourOfDay(s.ts()));
        if (!Double.isNaN(limit) && s.kw() > limit) {
            if (w.spikeFrom == MeterWatch.NONE) {
                w.spikeFrom = s.ts();
                w.spikeWorst = s.kw();
                w.spikeLimit = limit;
                w.spikeBeforeKw = w.spikePrevKw;
            }
            w.spikeWorst = Math.max(w.spikeWorst, s.kw());
            w.spikeLast = s.ts();
            w.spikeAfterKw = Double.NaN; // a dip within the excursion is not its end
            return;
        }
        w.spikePrevKw = s.kw();
        if (w.spikeFrom == MeterWatch.NONE) {
            return;
        }
        w.spikeAfterKw = Double.isNaN(w.spikeAfterKw) ? s.kw() : Math.max(w.spikeAfterKw, s.kw());
        if (s.ts() - w.spikeLast >= resolveAfterMs) {
            long lasted = w.spikeLast - w.spikeFrom + w.periodMs;
            double around = Math.max(Double.isNaN(w.spikeBeforeKw) ? 0 : w.spikeBeforeKw, w.spikeAfterKw);
            if (lasted <= p.max().toMillis() && w.spikeWorst >= SURROUNDINGS_FACTOR * around) {
                raise(w, meter, s.ts(), lasted, alerts);
            }
            w.spikeFrom = MeterWatch.NONE;
            w.spikeLast = MeterWatch.NONE;
        }
    }

    /** What a reading at {@code hourOfDay} must exceed to be out of line, or NaN while the hour is learning. */
    double limit(MeterWatch w, int hourOfDay) {
        if (w.spikeDays[hourOfDay] < p.learnDays()) {
            return Double.NaN;
        }
        double mean = w.spikeMeanKw[hourOfDay];
        double limit = Math.max(p.factor() * Math.max(mean, 0), mean + p.minKw());
        for (int d = -1; d <= 1; d++) {
            int h = Math.floorMod(hourOfDay + d, 24);
            if (w.spikeDays[h] > 0) {
                double m = w.spikeMeanKw[h];
                double sd = Math.sqrt(Math.max(w.spikeMeanSqKw[h] - m * m, 0));
                limit = Math.max(limit, m + p.sigmas() * sd);
            }
        }
        return limit;
    }

    /** Accumulates the hour's readings; when a new hour begins, the last one joins its hour of day's usual. */
    private static void learn(MeterWatch w, long ts, double kw) {
        long hour = Math.floorDiv(ts, HOUR_MS) * HOUR_MS;
        if (hour != w.spikeHour) {
            if (w.spikeHour != MeterWatch.NONE && w.spikeHourN > 0) {
                int h = hourOfDay(w.spikeHour);
                double mean = w.spikeHourSum / w.spikeHourN;
                double meanSq = w.spikeHourSumSq / w.spikeHourN;
                int days = w.spikeDays[h];
                double weight = days < EQUAL_WEIGHT_DAYS ? 1.0 / (days + 1) : DAY_WEIGHT;
                w.spikeMeanKw[h] = days == 0 ? mean : w.spikeMeanKw[h] + weight * (mean - w.spikeMeanKw[h]);
                w.spikeMeanSqKw[h] = days == 0 ? meanSq : w.spikeMeanSqKw[h] + weight * (meanSq - w.spikeMeanSqKw[h]);
                w.spikeDays[h] = (byte) Math.min(days + 1, MAX_DAYS);
            }
            w.spikeHour = hour;
            w.spikeHourSum = 0;
            w.spikeHourSumSq = 0;
            w.spikeHourN = 0;
        }
        w.spikeHourSum += kw;
        w.spikeHourSumSq += kw * kw;
        w.spikeHourN++;
    }

    private void raise(MeterWatch w, MeterRules.Subject meter, long now, long lastedMs, Consumer<Alert> alerts) {
        Episode e = w.episode(Condition.SPIKE);
        e.forceOpen(w.spikeFrom, w.spikeWorst);
        double usual = w.spikeMeanKw[hourOfDay(w.spikeFrom)];
        String primary = primary(w, meter);
        alerts.accept(MeterRules.alert(
                        Condition.SPIKE,
                        meter,
                        Alert.State.OPEN,
                        now,
                        e,
                        w.spikeLimit,
                        Messages.spike(
                                meter.id(),
                                w.spikeWorst,
                                Math.max(1, lastedMs / 60_000),
                                w.spikeFrom,
                                w.spikeLimit,
                                usual))
                .withParent(primary));
        e.forceResolve();
        // A millisecond after its OPEN: InfluxDB keeps one point per series and time, and a
        // RESOLVED at the same instant would overwrite the OPEN (the spike would vanish from counts).
        alerts.accept(MeterRules.alert(
                        Condition.SPIKE,
                        meter,
                        Alert.State.RESOLVED,
                        now + 1,
                        e,
                        w.spikeLimit,
                        Messages.spikeOver(meter.id(), w.spikeLimit, w.spikeLast))
                .withParent(primary));
    }

    /**
     * The meter's over-capacity alert when the spike is the same excursion (it is open, or it
     * began during the spike): the spike is its consequence and is folded under it; else null.
     */
    private static String primary(MeterWatch w, MeterRules.Subject meter) {
        Episode over = w.episode(Condition.OVER_CAPACITY);
        if (over.openedAt == Episode.NONE) {
            return null;
        }
        boolean during = over.openedAt >= w.spikeFrom && over.openedAt <= w.spikeLast;
        return over.open || during ? Condition.OVER_CAPACITY.alertId(meter.id(), over.openedAt) : null;
    }

    static int hourOfDay(long ts) {
        return (int) Math.floorMod(Math.floorDiv(ts, HOUR_MS), 24);
    }
}

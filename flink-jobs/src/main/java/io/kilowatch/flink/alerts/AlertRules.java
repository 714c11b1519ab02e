package io.kilowatch.flink.alerts;

import java.io.Serializable;
import java.time.Duration;

/**
 * Thresholds of the alert rules; docs/alerts.md says why each default is what it is. Ratios are of
 * the registry's figures: contracted kVA, transformer rating kVA, nominal phase voltage.
 *
 * @param openAfter how long a condition must hold before its alert opens (one bad reading is noise)
 * @param resolveAfter how long it must be gone before the alert resolves (no flapping)
 * @param overCapacityRatio apparent power above this × contracted kVA is over capacity
 * @param transformerOverloadRatio an area meter's apparent power above this × the transformer's rating
 * @param voltageLowRatio a phase below this × nominal voltage is a sag (EN 50160: −10 %)
 * @param voltageHighRatio a phase above this × nominal voltage is a swell (EN 50160: +10 %)
 * @param lowPf power factor below this, with a load worth speaking of ({@code pfMinLoadRatio} × contracted kVA)
 * @param spike what makes a spike ({@link Spike})
 * @param offlineAfter no reading for this long (event time) and the meter is offline
 * @param theftRatio energy over {@code theftWindow} below this × the meter's usual for those hours
 * @param theftWindow how many hours of energy are compared (whole hours)
 * @param theftMinKwh the usual energy of the window must be at least this, or there is nothing to compare
 * @param lossRatio a transformer area's unmetered share of energy above this is excess line loss
 * @param pipelineSilentAfter no reading at all for this long (processing time) is {@code pipeline_silent}
 * @param stateHorizon a meter silent this long after it went offline is no longer watched: its state is cleared
 * @param fold when the alerts of many meters are one incident ({@link Fold})
 * @param theftUnconfirmedAfter where nothing can confirm a drop (no area meter, no known transformer),
 *     it must have held this long without a break before it is raised (unconfirmed, {@code info})
 */
public record AlertRules(
        Duration openAfter,
        Duration resolveAfter,
        double overCapacityRatio,
        double transformerOverloadRatio,
        double voltageLowRatio,
        double voltageHighRatio,
        double lowPf,
        double pfMinLoadRatio,
        Spike spike,
        Duration offlineAfter,
        double theftRatio,
        int theftWindowHours,
        double theftMinKwh,
        double lossRatio,
        Duration pipelineSilentAfter,
        Duration stateHorizon,
        Fold fold,
        Duration theftUnconfirmedAfter)
        implements Serializable {

    public AlertRules {
        if (theftWindowHours < 1 || theftWindowHours > 24) {
            throw new IllegalArgumentException("alerts.theft.window-hours must be 1..24, got " + theftWindowHours);
        }
        if (voltageLowRatio >= 1 || voltageHighRatio <= 1) {
            throw new IllegalArgumentException(
                    "alerts.voltage.low-ratio must be below 1 and alerts.voltage.high-ratio above 1");
        }
    }

    public static AlertRules defaults() {
        return new AlertRules(
                Duration.ofMinutes(2),
                Duration.ofMinutes(5),
                1.0,
                1.0,
                0.9,
                1.1,
                0.8,
                0.05,
                Spike.defaults(),
                Duration.ofMinutes(15),
                0.5,
                3,
                1.0,
                0.10,
                Duration.ofMinutes(5),
                Duration.ofDays(7),
                Fold.defaults(),
                Duration.ofDays(14));
    }

    /** These rules with another {@link #theftUnconfirmedAfter()}. */
    public AlertRules withTheftUnconfirmedAfter(Duration d) {
        return new AlertRules(
                openAfter,
                resolveAfter,
                overCapacityRatio,
                transformerOverloadRatio,
                voltageLowRatio,
                voltageHighRatio,
                lowPf,
                pfMinLoadRatio,
                spike,
                offlineAfter,
                theftRatio,
                theftWindowHours,
                theftMinKwh,
                lossRatio,
                pipelineSilentAfter,
                stateHorizon,
                fold,
                d);
    }

    /**
     * A spike is a short excursion far above what this meter usually draws at this hour of the
     * day (docs/alerts.md, {@link SpikeRule}).
     *
     * @param factor above this × the hour's usual mean...
     * @param sigmas ...and this many standard deviations above the usual of the hour or either neighbour...
     * @param minKw ...and at least this many kW above the usual
     * @param max an excursion longer than this is a change of level, not a spike (no alert)
     * @param learnDays days a meter's hour must have been seen before its spikes are judged
     */
    public record Spike(double factor, double sigmas, double minKw, Duration max, int learnDays)
            implements Serializable {
        public Spike {
            if (learnDays < 1) {
                throw new IllegalArgumentException("alerts.spike.learn-days must be at least 1, got " + learnDays);
            }
        }

        public static Spike defaults() {
            return new Spike(3.0, 4.0, 1.0, Duration.ofMinutes(15), 1);
        }
    }

    /**
     * One alert per incident (docs/alerts.md, {@link IncidentFold}): when at least {@code areaShare}
     * of a transformer area's meters (and at least {@code minMeters}) go offline or out of the
     * voltage band within {@code window} of each other, the transformer gets one area alert and
     * theirs are folded under it; when at least {@code feederShare} of a feeder's transformers
     * have one, the feeder gets one.
     *
     * @param window how long after a member's alert the others may still join it (event time); members wait this long
     */
    public record Fold(double areaShare, int minMeters, double feederShare, Duration window) implements Serializable {
        public Fold {
            if (areaShare <= 0 || areaShare > 1 || feederShare <= 0 || feederShare > 1) {
                throw new IllegalArgumentException(
                        "alerts.fold.area-share and alerts.fold.feeder-share must be in (0, 1]");
            }
            if (minMeters < 2) {
                throw new IllegalArgumentException("alerts.fold.min-meters must be at least 2, got " + minMeters);
            }
        }

        public static Fold defaults() {
            return new Fold(0.5, 3, 0.5, Duration.ofMinutes(3));
        }
    }
}

package io.kilowatch.flink.alerts;

import io.kilowatch.model.Alert;
import io.kilowatch.model.RegistryEntry;
import java.io.Serializable;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The alert rules of one meter, without Flink: readings in event-time order go in, alert
 * transitions and quarter-hour energies come out. docs/alerts.md describes each rule.
 *
 * <p>Rules that need to know what the meter is allowed or where it sits (capacity, voltage, power
 * factor, export, theft, transformer overload) run only for meters in the registry; spikes,
 * tamper with the register or the current, and offline run for every meter.
 */
public final class MeterRules implements Serializable {
    private static final long MINUTE_MS = 60_000L;
    private static final long QUARTER_MS = 15 * 60_000L;
    private static final long HOUR_MS = 3_600_000L;
    /** A reading's energy covers at most this much time since the one before (longer is a gap, not load). */
    private static final long MAX_STEP_MS = QUARTER_MS;

    private static final double REGISTER_TOLERANCE_KWH = 0.01;
    private static final double EXPORT_TOLERANCE_KW = 0.05;
    private static final double NO_ENERGY_KW = 0.01;
    private static final double CURRENT_WITHOUT_ENERGY_A = 0.2;

    private final AlertRules rules;
    private final long openAfterMs;
    private final long resolveAfterMs;
    private final SpikeRule spikes;

    public MeterRules(AlertRules rules) {
        this.rules = rules;
        this.openAfterMs = rules.openAfter().toMillis();
        this.resolveAfterMs = rules.resolveAfter().toMillis();
        this.spikes = new SpikeRule(rules.spike(), resolveAfterMs);
    }

    public AlertRules rules() {
        return rules;
    }

    /**
     * Evaluates one reading, which must be later than the last one evaluated.
     *
     * @param entry the meter's registry entry, or null when the registry does not know it
     * @return false when the reading is not later than the last one (a duplicate or out of order): nothing done
     */
    public boolean observe(
            MeterWatch w,
            AlertSample s,
            RegistryEntry entry,
            Consumer<Alert> alerts,
            Consumer<AreaEnergy> energy,
            Consumer<Suspicion> suspicions) {
        if (w.lastTs != MeterWatch.NONE && s.ts() <= w.lastTs) {
            return false;
        }
        Subject meter = Subject.of(s.meterId(), entry);
        Episode offline = w.episode(Condition.OFFLINE);
        if (offline.forceResolve()) {
            alerts.accept(alert(
                    Condition.OFFLINE,
                    meter,
                    Alert.State.RESOLVED,
                    s.ts(),
                    offline,
                    (offlineAt(w) - w.lastTs) / 60_000.0,
                    String.format(
                            Locale.ROOT,
                            "Meter %s is reporting again after %d min without readings.",
                            s.meterId(),
                            (s.ts() - w.lastTs) / 60_000)));
        }
        double hours = w.lastTs == MeterWatch.NONE ? 0 : Math.min(s.ts() - w.lastTs, MAX_STEP_MS) / 3_600_000.0;
        double kwh = Math.max(s.kw(), 0) * hours;
        // The area's balance is of net flows: a prosumer's export feeds its neighbours, and the
        // area meter sees only what is left.
        quarter(w, s, entry, s.kw() * hours, energy);
        hour(w, s, entry, kwh, meter, alerts, suspicions);

        boolean area = RegistryEntry.isTransformerMeter(entry);
        if (entry != null && area && entry.transformerId() != null && entry.transformerKva() > 0) {
            double limit = rules.transformerOverloadRatio() * entry.transformerKva();
            step(
                    Condition.TRANSFORMER_OVERLOAD,
                    Subject.transformer(entry),
                    w,
                    s.ts(),
                    s.kva() > limit,
                    s.kva(),
                    limit,
                    alerts);
        }
        if (entry != null && !area && entry.contractedKva() > 0) {
            double limit = rules.overCapacityRatio() * entry.contractedKva();
            step(Condition.OVER_CAPACITY, meter, w, s.ts(), s.kva() > limit, s.kva(), limit, alerts);
            boolean loaded = s.kw() > rules.pfMinLoadRatio() * entry.contractedKva();
            step(
                    Condition.LOW_PF,
                    meter,
                    w,
                    s.ts(),
                    loaded && !Double.isNaN(s.pf()) && Math.abs(s.pf()) < rules.lowPf(),
                    Math.abs(s.pf()),
                    rules.lowPf(),
                    alerts);
        }
        if (entry != null && entry.nominalVoltageV() > 0 && !Double.isNaN(s.minVoltageV())) {
            double low = rules.voltageLowRatio() * entry.nominalVoltageV();
            double high = rules.voltageHighRatio() * entry.nominalVoltageV();
            step(Condition.VOLTAGE_SAG, meter, w, s.ts(), s.minVoltageV() < low, s.minVoltageV(), low, alerts);
            step(Condition.VOLTAGE_SWELL, meter, w, s.ts(), s.maxVoltageV() > high, s.maxVoltageV(), high, alerts);
        }
        if (entry != null && !area && !"prosumer".equals(entry.customerClass())) {
            step(Condition.EXPORT_NON_PROSUMER, meter, w, s.ts(), s.kw() < -EXPORT_TOLERANCE_KW, s.kw(), 0, alerts);
        }
        spikes.observe(w, s, meter, alerts);
        if (!Double.isNaN(s.importKwh())) {
            boolean backwards =
                    !Double.isNaN(w.maxImportKwh) && s.importKwh() < w.maxImportKwh - REGISTER_TOLERANCE_KWH;
            step(
                    Condition.REGISTER_BACKWARDS,
                    meter,
                    w,
                    s.ts(),
                    backwards,
                    backwards ? w.maxImportKwh - s.importKwh() : 0,
                    REGISTER_TOLERANCE_KWH,
                    alerts);
            w.maxImportKwh = Double.isNaN(w.maxImportKwh) ? s.importKwh() : Math.max(w.maxImportKwh, s.importKwh());
        }
        if (!Double.isNaN(s.maxCurrentA())) {
            step(
                    Condition.CURRENT_NO_ENERGY,
                    meter,
                    w,
                    s.ts(),
                    s.maxCurrentA() >= CURRENT_WITHOUT_ENERGY_A && Math.abs(s.kw()) < NO_ENERGY_KW,
                    s.maxCurrentA(),
                    CURRENT_WITHOUT_ENERGY_A,
                    alerts);
        }
        if (w.lastTs != MeterWatch.NONE) {
            long gap = s.ts() - w.lastTs;
            w.periodMs = w.periodMs == 0 ? gap : Math.min(w.periodMs, gap);
        }
        w.lastTs = s.ts();
        return true;
    }

    /** When the meter's offline timer fires: no reading for {@link AlertRules#offlineAfter()} since {@code w.lastTs}. */
    public void offline(MeterWatch w, String meterId, RegistryEntry entry, long at, Consumer<Alert> alerts) {
        Episode e = w.episode(Condition.OFFLINE);
        double minutes = (at - w.lastTs) / 60_000.0;
        if (w.lastTs != MeterWatch.NONE && e.forceOpen(w.lastTs, minutes)) {
            alerts.accept(alert(
                    Condition.OFFLINE,
                    Subject.of(meterId, entry),
                    Alert.State.OPEN,
                    at,
                    e,
                    (offlineAt(w) - w.lastTs) / 60_000.0,
                    String.format(
                            Locale.ROOT,
                            "Meter %s has sent no reading since %s.",
                            meterId,
                            Instant.ofEpochMilli(w.lastTs))));
        }
    }

    /**
     * Ends every open episode of a meter that is no longer watched (silent past the state horizon,
     * or gone from the registry), so no alert stays open for a meter nobody follows; its state is
     * cleared by the caller.
     */
    public void forget(MeterWatch w, String meterId, RegistryEntry entry, long at, String why, Consumer<Alert> alerts) {
        Subject meter = Subject.of(meterId, entry);
        for (Condition c : Condition.values()) {
            Episode e = w.episode(c);
            if (e.forceResolve()) {
                Subject subject = c == Condition.TRANSFORMER_OVERLOAD && entry != null && entry.transformerId() != null
                        ? Subject.transformer(entry)
                        : meter;
                alerts.accept(alert(c, subject, Alert.State.RESOLVED, at, e, 0, Messages.forgotten(meterId, why)));
            }
        }
    }

    /** When a meter that went offline is forgotten: {@link AlertRules#stateHorizon()} after its offline time. */
    public long forgetAt(MeterWatch w) {
        return offlineAt(w) + rules.stateHorizon().toMillis();
    }

    /**
     * When the meter counts as offline if nothing else comes: {@link AlertRules#offlineAfter()}
     * after its last reading, or three of its reading periods for meters that read less often
     * (half-hourly replays), so one late reading is not an outage; rounded up to the minute.
     */
    public long offlineAt(MeterWatch w) {
        long at = w.lastTs + Math.max(rules.offlineAfter().toMillis(), 3 * w.periodMs);
        // On the minute: a meter reading every second keeps one timer a minute instead of
        // deleting and adding one with every reading.
        return Math.floorDiv(at + MINUTE_MS - 1, MINUTE_MS) * MINUTE_MS;
    }

    private void quarter(MeterWatch w, AlertSample s, RegistryEntry entry, double kwh, Consumer<AreaEnergy> energy) {
        long q = Math.floorDiv(s.ts(), QUARTER_MS) * QUARTER_MS;
        if (q != w.quarterStart) {
            if (w.quarterStart != MeterWatch.NONE && entry != null && entry.transformerId() != null) {
                energy.accept(new AreaEnergy(
                        entry.transformerId(),
                        w.quarterStart,
                        s.meterId(),
                        RegistryEntry.isTransformerMeter(entry),
                        w.quarterKwh));
            }
            w.quarterStart = q;
            w.quarterKwh = 0;
        }
        w.quarterKwh += kwh;
    }

    /**
     * Hours close as the next one's first reading arrives. Theft: the energy of the last
     * {@code theftWindowHours} whole hours against the meter's usual for those hours of day,
     * learnt from the days before (so a meter needs a day of history first). The usual is not
     * learnt from hours that look like theft: a household away for weeks stays suspected until
     * someone looks (docs/alerts.md).
     */
    private void hour(
            MeterWatch w,
            AlertSample s,
            RegistryEntry entry,
            double kwh,
            Subject meter,
            Consumer<Alert> alerts,
            Consumer<Suspicion> suspicions) {
        long h = Math.floorDiv(s.ts(), HOUR_MS) * HOUR_MS;
        if (h != w.hourStart) {
            if (w.hourStart != MeterWatch.NONE && theftWatched(entry)) {
                closeHour(w, s.ts(), meter, entry.transformerId(), alerts, suspicions);
            }
            w.hourStart = h;
            w.hourKwh = 0;
        }
        w.hourKwh += kwh;
    }

    private static boolean theftWatched(RegistryEntry entry) {
        // Prosumers' own generation and grid meters make "less than usual" meaningless.
        return entry != null && !RegistryEntry.isTransformerMeter(entry) && !"prosumer".equals(entry.customerClass());
    }

    /**
     * A drop is told to the transformer area's balance, which confirms it against the area meter
     * ({@link AreaBalance}); a meter on no known transformer to a balance without one, where only
     * a drop that lasts is raised (unconfirmed).
     */
    private void closeHour(
            MeterWatch w,
            long ts,
            Subject meter,
            String transformerId,
            Consumer<Alert> alerts,
            Consumer<Suspicion> suspicions) {
        int hourOfDay = (int) Math.floorMod(w.hourStart / HOUR_MS, 24);
        w.lastHoursKwh[hourOfDay] = w.hourKwh;
        w.lastHoursStart[hourOfDay] = w.hourStart;
        double actual = 0;
        double usual = 0;
        boolean complete = true;
        for (int i = 0; i < rules.theftWindowHours(); i++) {
            int hd = Math.floorMod(hourOfDay - i, 24);
            if (w.lastHoursStart[hd] != w.hourStart - i * HOUR_MS || Double.isNaN(w.usualKwh[hd])) {
                complete = false;
                break;
            }
            actual += w.lastHoursKwh[hd];
            usual += w.usualKwh[hd];
        }
        Episode e = w.episode(Condition.THEFT);
        boolean holds = false;
        if (complete && usual >= rules.theftMinKwh()) {
            double ratio = actual / usual;
            holds = ratio < rules.theftRatio();
            // Over at the first window that is not low: "without a break" is what a drop that
            // nothing can confirm must show for days (AreaBalance), and a bypass does not pause.
            Episode.Step step = e.observe(ts, holds, ratio, false, 0, 0);
            if (holds || step == Episode.Step.RESOLVED) {
                // A meter on no known transformer goes to a balance with no area meter: nothing can confirm it.
                long windowEnd = w.hourStart + HOUR_MS;
                suspicions.accept(new Suspicion(
                        transformerId == null ? AreaBalance.NO_AREA : transformerId,
                        meter.id,
                        meter.customerId,
                        windowEnd - rules.theftWindowHours() * HOUR_MS,
                        windowEnd,
                        e.openedAt,
                        usual,
                        actual,
                        missingByHour(w, hourOfDay),
                        holds));
            }
        }
        double u = w.usualKwh[hourOfDay];
        if (Double.isNaN(u)) {
            w.usualKwh[hourOfDay] = w.hourKwh;
        } else if (!holds && w.hourKwh >= rules.theftRatio() * u) {
            // An hour that alone looks like theft does not teach the usual, or a drop would
            // lower its own yardstick before the window is full of it.
            w.usualKwh[hourOfDay] = 0.7 * u + 0.3 * w.hourKwh;
        }
    }

    /** Per hour of the theft window ending with {@code hourOfDay}, oldest first: usual − recorded, kWh (at least 0). */
    private double[] missingByHour(MeterWatch w, int hourOfDay) {
        double[] out = new double[rules.theftWindowHours()];
        for (int i = 0; i < out.length; i++) {
            int hd = Math.floorMod(hourOfDay - i, 24);
            out[out.length - 1 - i] = Math.max(w.usualKwh[hd] - w.lastHoursKwh[hd], 0);
        }
        return out;
    }

    private void step(
            Condition c,
            Subject subject,
            MeterWatch w,
            long ts,
            boolean holds,
            double value,
            double threshold,
            Consumer<Alert> alerts) {
        Episode e = w.episode(c);
        Episode.Step step = e.observe(ts, holds, value, c.higherIsWorse, c.debounced ? openAfterMs : 0, resolveAfterMs);
        emit(step, c, subject, ts, e, threshold, alerts);
    }

    private void emit(
            Episode.Step step,
            Condition c,
            Subject subject,
            long ts,
            Episode e,
            double threshold,
            Consumer<Alert> alerts) {
        if (step == Episode.Step.OPENED) {
            alerts.accept(alert(
                    c,
                    subject,
                    Alert.State.OPEN,
                    ts,
                    e,
                    threshold,
                    Messages.opened(c, subject.id, e.worst, threshold)));
        } else if (step == Episode.Step.RESOLVED) {
            alerts.accept(alert(
                    c,
                    subject,
                    Alert.State.RESOLVED,
                    ts,
                    e,
                    threshold,
                    Messages.resolved(c, subject.id, e.worst, threshold)));
        }
    }

    static Alert alert(
            Condition c, Subject subject, Alert.State state, long ts, Episode e, double threshold, String message) {
        return new Alert(
                c.alertId(subject.id, e.openedAt),
                c.alertType,
                c.severity,
                subject.level,
                subject.id,
                subject.customerId,
                state,
                ts,
                e.openedAt,
                round(e.worst),
                round(threshold),
                c.unit,
                message);
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    /** Who an alert is about: a meter (and its customer) or a transformer (the grid's). */
    record Subject(String level, String id, String customerId) {
        static Subject of(String meterId, RegistryEntry entry) {
            boolean grid = entry == null || RegistryEntry.isTransformerMeter(entry);
            return new Subject("meter", meterId, grid ? null : entry.customerId());
        }

        static Subject transformer(RegistryEntry entry) {
            return new Subject("transformer", entry.transformerId(), null);
        }
    }
}

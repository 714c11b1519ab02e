package io.kilowatch.flink.alerts;

import io.kilowatch.model.Alert;
import io.kilowatch.model.AlertType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A transformer area's energy balance, keyed by transformerId: per quarter-hour, what its area
 * meter measured against what its customers' meters did. The share nobody metered is the line
 * losses (a few per cent) plus anything taken before a meter; above
 * {@link AlertRules#lossRatio()} for two quarters running is {@code excess_line_loss}.
 *
 * <p>A quarter is judged when event time is a quarter past its end (every meter has closed it by
 * then) and only when it is complete: the area meter and as many customer meters as the area
 * usually has. A customer meter that is dark would otherwise look like theft; after eight
 * incomplete quarters in a row the smaller count is taken as the area's new size.
 *
 * <p><b>Theft that the grid confirms.</b> The area learns its losses as a function of the energy
 * through it (unmetered ≈ a·E + b·E² per quarter: resistive losses grow with the square of the
 * current), by least squares with a memory of about two days, from quarters a theft window and an
 * hour old that no suspect's window covered. A customer whose meter recorded far less than usual
 * ({@link Suspicion}) is suspected of theft only when, over the same hours and hour by hour, the
 * area's unmetered energy beyond those losses covers at least {@link #CONFIRM_SHARE} of what the
 * meter stopped counting: a household that really used less leaves the balance where it was.
 * Suspects share one excess, the best covered first, and one already raised keeps its share; a
 * suspect that the balance of a whole window does not confirm is cleared for that drop.
 * The alert's value is the energy at stake (kWh not metered over the window), by which
 * inspectors rank their list. Where the area has no area meter (or the meter is on no known
 * transformer, {@link #NO_AREA}) nothing can confirm it: a drop is raised only once it has held
 * without a break for {@link AlertRules#theftUnconfirmedAfter()} (an evening out, a weekend
 * away are ordinary; a bypass goes on), as {@code info}, its message saying it is unconfirmed.
 */
public class AreaBalance extends KeyedCoProcessFunction<String, AreaEnergy, Suspicion, Alert> {
    /** The balance of meters on no known transformer: it never has an area meter. */
    public static final String NO_AREA = "(no transformer)";

    private static final long QUARTER_MS = 15 * 60_000L;
    private static final double MIN_AREA_KWH = 1.0;
    private static final int ACCEPT_NEW_SIZE_AFTER = 8;
    /** Quarters of history kept for confirming suspicions: the longest theft window (24 h) and two hours more. */
    static final int HISTORY = 4 * 24 + 8;
    /** Quarters the loss model needs before it can confirm anything. */
    static final int MIN_FIT_QUARTERS = 16;
    /** Weight of the past per quarter in the loss model: ~200 quarters (two days) of memory. */
    private static final double FIT_DECAY = 0.995;
    /**
     * The area's excess must cover this share of what the suspect's meter stopped counting, hour
     * by hour (Σ min(excess, missing) / Σ missing over the window).
     */
    static final double CONFIRM_SHARE = 0.6;
    /** A suspect whose meter has sent no suspicion (nor its end) for this long is dropped. */
    private static final long STALE_AFTER_MS = 24 * 3_600_000L;

    /** One quarter's sums. */
    public static class Quarter {
        public double areaKwh = Double.NaN;
        public double customersKwh;
        public int customerMeters;
    }

    /** The area's memory between quarters. */
    public static class Area {
        public int usualMeters;
        public int incompleteInARow;
        public Episode loss = new Episode();
        /** Whether an area meter has ever reported (otherwise nothing can confirm a theft). */
        public boolean areaMetered;
        /** Judged complete quarters, a ring by quarter index: start (NONE: none), area and customers' kWh. */
        public long[] histStart = emptyHistory();

        public double[] histAreaKwh = new double[HISTORY];
        public double[] histCustomersKwh = new double[HISTORY];
        /** Whether a suspect's window covered it (then the loss model does not learn it). */
        public boolean[] histSuspected = new boolean[HISTORY];
        /** Decayed sums of the least-squares loss model u = a·e + b·e² and how many quarters it has seen. */
        public double see2;

        public double see3;
        public double see4;
        public double sue;
        public double sue2;
        public int fitQuarters;

        private static long[] emptyHistory() {
            long[] a = new long[HISTORY];
            java.util.Arrays.fill(a, Episode.NONE);
            return a;
        }
    }

    /** A customer suspected in this area, waiting for the balance of its window or raised. */
    public static class Suspect {
        public String customerId;
        public long openedAt;
        public long windowStart;
        public long windowEnd;
        public double missingKwh;
        public double[] missingByHour;
        public double ratio;
        /** The event time at which the window's quarters are all judged. */
        public long judgeAt;

        public boolean judged;
        public boolean raised;
        /** warning when the balance confirmed it, info when nothing could. */
        public String severity;
        /** The balance of a whole window showed no theft: not raised in this drop (until it ends). */
        public boolean cleared;
    }

    private final AlertRules rules;
    /** Quarters after which a judged quarter is learnt: no suspicion about it can come later. */
    private final int learnLag;

    private transient MapState<Long, Quarter> quarters;
    private transient ValueState<Area> area;
    private transient MapState<String, Suspect> suspects;
    private transient MapState<Long, List<Suspicion>> pending;

    public AreaBalance(AlertRules rules) {
        this.rules = rules;
        this.learnLag = 4 * (rules.theftWindowHours() + 1);
    }

    @Override
    public void open(OpenContext openContext) {
        quarters = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("quarters", Types.LONG, TypeInformation.of(Quarter.class)));
        area = getRuntimeContext().getState(new ValueStateDescriptor<>("area", TypeInformation.of(Area.class)));
        suspects = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("suspects", Types.STRING, TypeInformation.of(Suspect.class)));
        pending = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>(
                        "pending-suspicions", Types.LONG, Types.LIST(TypeInformation.of(Suspicion.class))));
    }

    @Override
    public void processElement1(AreaEnergy e, Context ctx, Collector<Alert> out) throws Exception {
        long judgeAt = e.quarterStart() + 2 * QUARTER_MS;
        if (judgeAt <= ctx.timerService().currentWatermark()) {
            return; // this quarter was judged already; a replay's late copy changes nothing
        }
        Quarter q = quarters.get(e.quarterStart());
        if (q == null) {
            q = new Quarter();
            ctx.timerService().registerEventTimeTimer(judgeAt);
        }
        if (e.areaMeter()) {
            q.areaKwh = Double.isNaN(q.areaKwh) ? e.kwh() : q.areaKwh + e.kwh();
        } else {
            q.customersKwh += e.kwh();
            q.customerMeters++;
        }
        quarters.put(e.quarterStart(), q);
    }

    /**
     * A suspicion waits until the last quarter of its window is judged, in a queue by that time:
     * a replay delivers many hours of suspicions, their ends included, before event time reaches
     * them, and each must meet the balance of its own hours.
     */
    @Override
    public void processElement2(Suspicion s, Context ctx, Collector<Alert> out) throws Exception {
        long judgeAt = s.windowEnd() + QUARTER_MS;
        List<Suspicion> queued = pending.get(judgeAt);
        queued = queued == null ? new ArrayList<>() : new ArrayList<>(queued);
        queued.add(s);
        pending.put(judgeAt, queued);
        ctx.timerService().registerEventTimeTimer(judgeAt);
        if (s.holds()) {
            Area a = area.value();
            if (a != null) {
                for (long q = s.windowStart(); q < s.windowEnd(); q += QUARTER_MS) {
                    a.histSuspected[slot(q)] |= a.histStart[slot(q)] == q;
                }
                area.update(a);
            }
        }
    }

    /** The suspicions whose windows are judged at {@code t}, in the order they came. */
    private void takeDue(long t, Collector<Alert> out) throws Exception {
        List<Suspicion> queued = pending.get(t);
        if (queued == null) {
            return;
        }
        pending.remove(t);
        for (Suspicion s : queued) {
            Suspect x = suspects.get(s.meterId());
            if (!s.holds()) {
                if (x != null) {
                    if (x.raised) {
                        out.collect(theft(s.meterId(), x, Alert.State.RESOLVED, t, Messages.theftOver(s.meterId())));
                    }
                    suspects.remove(s.meterId());
                }
                continue;
            }
            if (x == null || x.openedAt != s.openedAt()) {
                x = new Suspect();
                x.customerId = s.customerId();
                x.openedAt = s.openedAt();
            }
            x.windowStart = s.windowStart();
            x.windowEnd = s.windowEnd();
            x.missingKwh = s.missingKwh();
            x.missingByHour = s.missingByHour();
            x.ratio = s.usualKwh() > 0 ? s.actualKwh() / s.usualKwh() : 0;
            x.judgeAt = t;
            x.judged = false;
            suspects.put(s.meterId(), x);
        }
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Area a = area.value();
        if (a == null) {
            a = new Area();
        }
        boolean changed = judgeQuarter(t - 2 * QUARTER_MS, t, ctx.getCurrentKey(), a, out);
        takeDue(t, out);
        changed |= judgeSuspects(t, ctx.getCurrentKey(), a, out);
        if (changed) {
            area.update(a);
        }
    }

    private boolean judgeQuarter(long quarterStart, long t, String transformer, Area a, Collector<Alert> out)
            throws Exception {
        Quarter q = quarters.get(quarterStart);
        if (q == null) {
            return false;
        }
        quarters.remove(quarterStart);
        if (!Double.isNaN(q.areaKwh)) {
            a.areaMetered = true;
        }
        if (Double.isNaN(q.areaKwh) || q.areaKwh < MIN_AREA_KWH) {
            return true;
        }
        if (q.customerMeters < a.usualMeters && ++a.incompleteInARow < ACCEPT_NEW_SIZE_AFTER) {
            return true;
        }
        a.usualMeters = q.customerMeters;
        a.incompleteInARow = 0;
        remember(a, quarterStart, q);
        double loss = (q.areaKwh - q.customersKwh) / q.areaKwh;
        // Quarters are the episode's clock (two lossy quarters open it, two clean ones end it);
        // the alert's time is when it was judged.
        Episode.Step step = a.loss.observe(quarterStart, loss > rules.lossRatio(), loss, true, QUARTER_MS, QUARTER_MS);
        if (step != Episode.Step.NOTHING) {
            boolean open = step == Episode.Step.OPENED;
            String message = open
                    ? Messages.lossOpened(transformer, a.loss.worst, rules.lossRatio())
                    : Messages.lossResolved(transformer, a.loss.worst, rules.lossRatio());
            out.collect(new Alert(
                    Condition.alertId(transformer, AlertType.EXCESS_LINE_LOSS.wire(), a.loss.openedAt),
                    "excess_line_loss",
                    "warning",
                    "transformer",
                    transformer,
                    null,
                    open ? Alert.State.OPEN : Alert.State.RESOLVED,
                    t,
                    a.loss.openedAt,
                    Math.round(a.loss.worst * 1000) / 1000.0,
                    rules.lossRatio(),
                    "ratio",
                    message));
        }
        return true;
    }

    /**
     * Keeps a judged quarter for confirming suspicions. The loss model learns a quarter only a
     * theft window and an hour later ({@link #learnLag}), and not if a suspect's window covered
     * it: a theft not yet suspected would otherwise teach it that stolen energy is a loss.
     */
    private void remember(Area a, long quarterStart, Quarter q) throws Exception {
        int i = slot(quarterStart);
        a.histStart[i] = quarterStart;
        a.histAreaKwh[i] = q.areaKwh;
        a.histCustomersKwh[i] = q.customersKwh;
        a.histSuspected[i] = false;
        for (Suspect x : suspects.values()) {
            a.histSuspected[i] |= quarterStart >= x.windowStart && quarterStart < x.windowEnd;
        }
        for (List<Suspicion> queued : pending.values()) {
            for (Suspicion s : queued) {
                a.histSuspected[i] |= s.holds() && quarterStart >= s.windowStart() && quarterStart < s.windowEnd();
            }
        }
        long old = quarterStart - learnLag * QUARTER_MS;
        int j = slot(old);
        if (a.histStart[j] == old && !a.histSuspected[j]) {
            learn(a, a.histAreaKwh[j], a.histAreaKwh[j] - a.histCustomersKwh[j]);
        }
    }

    private static void learn(Area a, double e, double u) {
        a.see2 = FIT_DECAY * a.see2 + e * e;
        a.see3 = FIT_DECAY * a.see3 + e * e * e;
        a.see4 = FIT_DECAY * a.see4 + e * e * e * e;
        a.sue = FIT_DECAY * a.sue + u * e;
        a.sue2 = FIT_DECAY * a.sue2 + u * e * e;
        a.fitQuarters = Math.min(a.fitQuarters + 1, 1_000_000);
    }

    private static int slot(long quarterStart) {
        return (int) Math.floorMod(quarterStart / QUARTER_MS, HISTORY);
    }

    /** Expected losses of a quarter with {@code e} kWh through the area, from the model. */
    static double expectedLossKwh(Area a, double e) {
        double det = a.see2 * a.see4 - a.see3 * a.see3;
        if (Math.abs(det) <= 1e-9 * a.see2 * a.see4) {
            return a.see2 > 0 ? a.sue / a.see2 * e : 0; // no spread of load to tell the two terms apart
        }
        double ka = (a.sue * a.see4 - a.sue2 * a.see3) / det;
        double kb = (a.see2 * a.sue2 - a.see3 * a.sue) / det;
        return ka * e + kb * e * e;
    }

    /** Unmetered energy beyond the expected losses over [from, to), or NaN if a quarter of it was not judged complete. */
    static double excessKwh(Area a, long from, long to) {
        double excess = 0;
        for (long q = from; q < to; q += QUARTER_MS) {
            int i = slot(q);
            if (a.histStart[i] != q) {
                return Double.NaN;
            }
            excess += a.histAreaKwh[i] - a.histCustomersKwh[i] - expectedLossKwh(a, a.histAreaKwh[i]);
        }
        return excess;
    }

    private boolean judgeSuspects(long t, String transformer, Area a, Collector<Alert> out) throws Exception {
        List<Map.Entry<String, Suspect>> due = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, Suspect> e : suspects.entries()) {
            if (!e.getValue().judged && e.getValue().judgeAt <= t) {
                due.add(Map.entry(e.getKey(), e.getValue()));
            } else if (t - e.getValue().windowEnd > STALE_AFTER_MS) {
                stale.add(e.getKey());
            }
        }
        for (String meter : stale) {
            // Its meter stopped saying anything (left the registry, went dark): nothing to follow.
            Suspect x = suspects.get(meter);
            if (x.raised) {
                out.collect(
                        theft(meter, x, Alert.State.RESOLVED, t, Messages.theftNoLongerFollowed(meter, x.windowEnd)));
            }
            suspects.remove(meter);
        }
        if (due.isEmpty()) {
            return !stale.isEmpty();
        }
        List<Map.Entry<String, Suspect>> open = new ArrayList<>();
        for (Map.Entry<String, Suspect> e : due) {
            Suspect x = e.getValue();
            x.judged = true;
            if (x.raised || x.cleared) {
                continue;
            }
            if (!a.areaMetered) {
                if (x.windowEnd - x.openedAt >= rules.theftUnconfirmedAfter().toMillis()) {
                    raise(x, "info");
                    out.collect(theft(
                            e.getKey(),
                            x,
                            Alert.State.OPEN,
                            t,
                            Messages.theftUnconfirmed(
                                    e.getKey(),
                                    x.ratio,
                                    x.openedAt,
                                    x.windowStart,
                                    x.windowEnd,
                                    x.missingKwh,
                                    NO_AREA.equals(transformer) ? null : transformer)));
                }
            } else {
                open.add(e);
            }
        }
        if (!open.isEmpty() && a.fitQuarters >= MIN_FIT_QUARTERS) {
            long from = open.get(0).getValue().windowStart;
            long to = open.get(0).getValue().windowEnd;
            double[] left = excessByHour(a, from, to);
            if (left != null) {
                // What suspects already raised stopped counting in these hours is theirs.
                for (Suspect x : suspects.values()) {
                    if (x.raised && x.windowStart == from && x.missingByHour != null) {
                        subtract(left, x.missingByHour);
                    }
                }
                confirm(open, left, t, transformer, out);
            }
        }
        for (Map.Entry<String, Suspect> e : due) {
            suspects.put(e.getKey(), e.getValue());
        }
        return true;
    }

    /**
     * Raises, among suspects judged over the same hours, those whose drop the area's excess
     * covers, best covered first: each takes its share of the excess, so one theft confirms one
     * suspect and not every neighbour who used less that day. The others are cleared for this
     * drop: the grid says the energy was not used.
     */
    private static void confirm(
            List<Map.Entry<String, Suspect>> open, double[] left, long t, String transformer, Collector<Alert> out) {
        List<Map.Entry<String, Suspect>> waiting = new ArrayList<>(open);
        while (!waiting.isEmpty()) {
            Map.Entry<String, Suspect> best = null;
            double bestCover = -1;
            for (Map.Entry<String, Suspect> e : waiting) {
                double c = cover(left, e.getValue().missingByHour);
                if (c > bestCover || (c == bestCover && e.getKey().compareTo(best.getKey()) < 0)) {
                    best = e;
                    bestCover = c;
                }
            }
            if (bestCover < CONFIRM_SHARE) {
                waiting.forEach(e -> e.getValue().cleared = true);
                return;
            }
            Suspect x = best.getValue();
            double excess =
                    java.util.Arrays.stream(left).map(v -> Math.max(v, 0)).sum();
            subtract(left, x.missingByHour);
            raise(x, "warning");
            out.collect(theft(
                    best.getKey(),
                    x,
                    Alert.State.OPEN,
                    t,
                    Messages.theftConfirmed(
                            best.getKey(), x.ratio, x.windowStart, x.windowEnd, x.missingKwh, transformer, excess)));
            waiting.remove(best);
        }
    }

    /** Σ min(excess, missing) / Σ missing over the hours: how much of a drop the area's excess covers. */
    static double cover(double[] excessByHour, double[] missingByHour) {
        double covered = 0;
        double missing = 0;
        for (int h = 0; h < missingByHour.length && h < excessByHour.length; h++) {
            covered += Math.min(Math.max(excessByHour[h], 0), missingByHour[h]);
            missing += missingByHour[h];
        }
        return missing <= 0 ? 0 : covered / missing;
    }

    private static void subtract(double[] left, double[] missingByHour) {
        for (int h = 0; h < left.length && h < missingByHour.length; h++) {
            left[h] -= missingByHour[h];
        }
    }

    /** Per hour of [from, to): unmetered energy beyond the expected losses, or null if a quarter of it was not judged complete. */
    static double[] excessByHour(Area a, long from, long to) {
        int hours = (int) ((to - from) / (4 * QUARTER_MS));
        double[] out = new double[hours];
        for (int h = 0; h < hours; h++) {
            double e = excessKwh(a, from + h * 4 * QUARTER_MS, from + (h + 1) * 4 * QUARTER_MS);
            if (Double.isNaN(e)) {
                return null;
            }
            out[h] = e;
        }
        return out;
    }

    private static void raise(Suspect x, String severity) {
        x.raised = true;
        x.severity = severity;
    }

    private static Alert theft(String meterId, Suspect x, Alert.State state, long ts, String message) {
        return new Alert(
                Condition.THEFT.alertId(meterId, x.openedAt),
                Condition.THEFT.alertType,
                x.severity,
                "meter",
                meterId,
                x.customerId,
                state,
                ts,
                x.openedAt,
                Math.round(x.missingKwh * 1000) / 1000.0,
                Math.round(CONFIRM_SHARE * x.missingKwh * 1000) / 1000.0,
                "kWh",
                message);
    }
}

package io.kilowatch.flink.tariffs;

import io.kilowatch.billing.Bill;
import io.kilowatch.billing.BillLine;
import io.kilowatch.billing.advice.Advice;
import io.kilowatch.billing.advice.Advisor;
import io.kilowatch.flink.records.BillPoint;
import io.kilowatch.flink.records.BillingEvent;
import io.kilowatch.flink.records.BillingTerms;
import io.kilowatch.flink.records.RevenueDelta;
import io.kilowatch.flink.records.TariffUpdate;
import io.kilowatch.model.Hint;
import io.kilowatch.model.tariff.BasicCharge;
import io.kilowatch.model.tariff.CustomerTerms;
import io.kilowatch.model.tariff.PlanVersion;
import io.kilowatch.model.tariff.TariffCodec;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shadow bills, live: per customer, the month to date and its projection under the current plan
 * and under every plan the customer may choose, as its meters' 15-minute intervals arrive, and
 * the hints they give. Keyed by customer; the tariff catalogue (kw.tariffs) is broadcast state.
 *
 * <p>When: the current plan's bill as quarters close (at most every {@code updateEvery} of
 * processing time per customer, counted from its first interval, and only when an interval came
 * since the last, so a replay
 * does not price every quarter of every customer nor write a bill that did not change);
 * every plan's bill and the hints at the customer's local day close; final bills at the month's
 * close (its end plus the allowed lateness); a demand warning within the reading that shows it.
 * The end of a bounded input writes bills as they stand (final only for a month its data
 * reached the end of), and a day's hints need its data to have reached the day's end.
 */
public class ShadowBills extends KeyedBroadcastProcessFunction<String, BillingEvent, TariffUpdate, BillPoint> {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowBills.class);
    private static final long Q = CustomerLedger.Q;
    private static final ZoneId FALLBACK_ZONE = ZoneId.of("Asia/Shanghai");

    public static final MapStateDescriptor<String, String> TARIFFS =
            new MapStateDescriptor<>("tariffs", Types.STRING, Types.STRING);
    public static final OutputTag<Hint> HINTS = new OutputTag<>("hints", TypeInformation.of(Hint.class));
    public static final OutputTag<RevenueDelta> REVENUE =
            new OutputTag<>("revenue", TypeInformation.of(RevenueDelta.class));

    /**
     * What came before any tariff plan did, per customer: at most this many events (ten days of
     * quarters, or two days of a demand-billed meter's readings a minute); later ones are dropped
     * and counted.
     */
    static final int MAX_WAITING = 3_000;

    static final int MAX_CACHED_TERMS = 50_000;

    private final TariffParams params;
    private transient ValueState<CustomerLedger> state;
    private transient org.apache.flink.api.common.state.ListState<BillingEvent> waiting;
    private transient Counter droppedWaiting;
    private transient Counter unbillable;
    private transient Advisor advisor;
    private transient long catalogueVersion;
    private transient long cachedVersion;
    private transient Map<String, TariffPlan> plans;
    /** {@link #tracked}'s answers for the catalogue of {@link #trackedVersion}. */
    private transient Map<BillingTerms, List<TariffPlan>> trackedByTerms;

    private transient long trackedVersion;
    private transient Counter unknownPlan;
    private transient Counter badPlans;
    private transient Counter hintsSent;
    private transient Counter warnings;
    private transient long lastDayStart;
    private transient long lastDayEnd;
    private transient ZoneId lastDayZone;

    public ShadowBills(TariffParams params) {
        this.params = params;
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("ledger", CustomerLedgerSerializer.INSTANCE));
        waiting = getRuntimeContext()
                .getListState(new org.apache.flink.api.common.state.ListStateDescriptor<>(
                        "waiting-for-tariffs", TypeInformation.of(BillingEvent.class)));
        advisor = new Advisor(params.thresholds());
        cachedVersion = -1;
        var m = getRuntimeContext().getMetricGroup();
        unknownPlan = m.counter("intervalsOfUnknownPlan");
        badPlans = m.counter("tariffPlansRejected");
        hintsSent = m.counter("hintsSent");
        warnings = m.counter("demandWarnings");
        droppedWaiting = m.counter("intervalsDroppedWaitingForTariffs");
        unbillable = m.counter("billsNotPriced");
    }

    @Override
    public void processBroadcastElement(TariffUpdate u, Context ctx, Collector<BillPoint> out) throws Exception {
        if (u.json() == null) {
            ctx.getBroadcastState(TARIFFS).remove(u.planId());
        } else {
            try {
                TariffPlan p = TariffCodec.decodePlan(u.json().getBytes(StandardCharsets.UTF_8));
                if (!p.id().equals(u.planId())) {
                    throw new IllegalArgumentException("keyed " + u.planId() + " but names plan " + p.id());
                }
            } catch (IllegalArgumentException e) {
                badPlans.inc();
                LOG.warn(
                        "kw.tariffs record for plan {} ignored (the last valid one, if any, stays in force): {}",
                        u.planId(),
                        e.getMessage());
                return;
            }
            ctx.getBroadcastState(TARIFFS).put(u.planId(), u.json());
        }
        catalogueVersion++;
    }

    /** The catalogue as plans, parsed once per change of the broadcast state (and once after a restore). */
    private Map<String, TariffPlan> catalogue(ReadOnlyContext ctx) throws Exception {
        if (plans == null || cachedVersion != catalogueVersion) {
            Map<String, TariffPlan> fresh = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : ctx.getBroadcastState(TARIFFS).immutableEntries()) {
                fresh.put(e.getKey(), TariffCodec.decodePlan(e.getValue().getBytes(StandardCharsets.UTF_8)));
            }
            plans = fresh;
            cachedVersion = catalogueVersion;
        }
        return plans;
    }

    /**
     * The customer's current plan first, then every other plan it may choose. Cached by terms
     * until the catalogue changes: eligibility builds the customer's terms in decimals and asks
     * every plan, and it was asked again at every interval of every customer (JFR: 4 % of the
     * stage). A customer's terms repeat from interval to interval, so the cache holds up to one
     * entry per customer of the subtask (fewer where customers share terms), and it is emptied
     * when it outgrows {@link #MAX_CACHED_TERMS}: a larger fleet pays for eligibility again after
     * each emptying, never for more memory.
     */
    private List<TariffPlan> tracked(Map<String, TariffPlan> catalogue, BillingTerms t) {
        if (trackedVersion != cachedVersion || trackedByTerms == null) {
            trackedByTerms = new HashMap<>();
            trackedVersion = cachedVersion;
        }
        List<TariffPlan> cached = trackedByTerms.get(t);
        if (cached != null) {
            return cached;
        }
        if (trackedByTerms.size() >= MAX_CACHED_TERMS) {
            trackedByTerms.clear();
        }
        List<TariffPlan> out = eligiblePlans(catalogue, t);
        trackedByTerms.put(t, out);
        return out;
    }

    private static List<TariffPlan> eligiblePlans(Map<String, TariffPlan> catalogue, BillingTerms t) {
        TariffPlan current = catalogue.get(t.planId());
        if (current == null) {
            return List.of();
        }
        List<TariffPlan> out = new ArrayList<>();
        out.add(current);
        CustomerTerms c = t.customerTerms();
        for (TariffPlan p : catalogue.values()) {
            if (p != current && p.eligible(c)) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public void processElement(BillingEvent e, ReadOnlyContext ctx, Collector<BillPoint> out) throws Exception {
        Map<String, TariffPlan> catalogue = catalogue(ctx);
        CustomerLedger l = ledger();
        if (catalogue.isEmpty()) {
            // The catalogue has not arrived yet (a job's first moments: the curves can overtake
            // kw.tariffs). Intervals and readings wait for it, in the order they came, so what
            // follows is what it would have been had the catalogue been first.
            wait(l, e, ctx);
            state.update(l);
            return;
        }
        replayWaiting(l, catalogue, ctx);
        route(ctx, l, e, catalogue);
        state.update(l);
    }

    /** An event to its plan: an interval's own terms name it, a reading's are the ledger's (its intervals'). */
    private void route(ReadOnlyContext ctx, CustomerLedger l, BillingEvent e, Map<String, TariffPlan> catalogue) {
        var timers = ctx.timerService();
        BillingTerms terms = e.interval() ? e.terms() : l.terms;
        if (terms == null) {
            hold(l, e); // a reading before any interval of its customer: judged once one has come
            return;
        }
        TariffPlan current = catalogue.get(terms.planId());
        if (current == null) {
            unknownPlan.inc();
            return;
        }
        if (e.interval()) {
            interval(l, e, catalogue, current, timers);
            releaseHeld(ctx, l, current, timers, false);
        } else {
            reading(ctx, l, e, current, timers);
        }
    }

    /**
     * A demand-billed meter's reading: the quarter's course, and a warning if it heads for a new
     * maximum. Live, the intervals before its quarter are in (they close within the watermark's
     * bound); in a catch-up the readings run ahead of them and wait until they are.
     */
    private void reading(
            ReadOnlyContext ctx,
            CustomerLedger l,
            BillingEvent e,
            TariffPlan current,
            org.apache.flink.streaming.api.TimerService timers) {
        long window = e.time() - Math.floorMod(e.time(), Q);
        if (!ready(l, current, window, timers.currentWatermark()) || !l.heldReadings.isEmpty()) {
            hold(l, e);
            return;
        }
        judge(ctx, l, e, current, timers);
    }

    private void hold(CustomerLedger l, BillingEvent reading) {
        if (l.heldReadings.size() >= MAX_WAITING) {
            l.heldReadings.remove(0);
            droppedWaiting.inc();
        }
        l.heldReadings.add(reading);
    }

    /**
     * A reading of quarter {@code window} can be judged: the intervals before the quarter are in,
     * or the watermark has passed the quarter's start (none can come any more: the meter was dark).
     */
    private static boolean ready(CustomerLedger l, TariffPlan current, long window, long watermark) {
        if (watermark >= window - 1) {
            return true;
        }
        for (PlanMonth pm : l.months) {
            if (pm.planId.equals(current.id()) && pm.coveredUntil != Long.MIN_VALUE && pm.coveredUntil >= window - Q) {
                return true;
            }
        }
        return false;
    }

    /** Held readings whose quarter's previous intervals are now in, in the order they came. */
    private void releaseHeld(
            ReadOnlyContext ctx,
            CustomerLedger l,
            TariffPlan current,
            org.apache.flink.streaming.api.TimerService timers,
            boolean all) {
        while (!l.heldReadings.isEmpty()) {
            BillingEvent e = l.heldReadings.get(0);
            long window = e.time() - Math.floorMod(e.time(), Q);
            if (!all && !ready(l, current, window, timers.currentWatermark())) {
                return;
            }
            l.heldReadings.remove(0);
            judge(ctx, l, e, current, timers);
        }
    }

    private void judge(
            ReadOnlyContext ctx,
            CustomerLedger l,
            BillingEvent e,
            TariffPlan current,
            org.apache.flink.streaming.api.TimerService timers) {
        double[] w = l.watch(e);
        if (w != null) {
            if (w[3] != 0) {
                // the meter's first reading of the quarter: its close expires the watch (a timer
                // a reading was a timer-queue lookup and an allocation each, for the same timer)
                timers.registerEventTimeTimer((long) w[0] + Q - 1);
            }
            if (w[2] >= params.warningMinMinutes()) {
                warn(ctx, l, current, l.terms, (long) w[0], w[1], e.time());
            }
        }
    }

    /**
     * An interval, and the timers it needs: its quarter's close (the quarter update; held readings
     * are released as the intervals come in; intervals older than the lateness become final at
     * any timer, none can change them any more), and, once per day or new month, the day's and
     * the months' closes. A timer is a keyed-state write: one an interval, not six.
     */
    private void interval(
            CustomerLedger l,
            BillingEvent e,
            Map<String, TariffPlan> catalogue,
            TariffPlan current,
            org.apache.flink.streaming.api.TimerService timers) {
        int months = l.months.size();
        if (l.lastUpdateMs == Long.MIN_VALUE) {
            // First seen: its first bill waits updateEvery like every later one. In a catch-up a
            // bill written at once was overwritten within seconds (the default benchmark shape:
            // 10,000 of its ~50,000 bill points); live, its next quarter is 15 minutes on.
            l.lastUpdateMs = timers.currentProcessingTime();
        }
        l.interval(e, tracked(catalogue, e.terms()));
        long lateness = params.allowedLateness15m().toMillis();
        // What a timer would make final by now (none changes any more), so that the open
        // intervals stay few when quarter timers are skipped below.
        l.finalizeUpTo(timers.currentWatermark(), lateness);
        if (quarterUpdateDue(l, timers.currentProcessingTime()) || !l.watches.isEmpty() || !l.heldReadings.isEmpty()) {
            timers.registerEventTimeTimer(e.time() + Q - 1);
        }
        long dayClose = dayEndOf(e.time(), current.zone()) - 1 + lateness;
        if (dayClose != l.dayCloseTimer || l.months.size() != months) {
            timers.registerEventTimeTimer(dayClose);
            long registered = Long.MIN_VALUE;
            for (PlanMonth pm : l.months) {
                if (pm.monthEnd != registered) {
                    timers.registerEventTimeTimer(pm.monthEnd - 1 + lateness);
                    registered = pm.monthEnd;
                }
            }
            l.dayCloseTimer = dayClose;
        }
    }

    /**
     * The quarter update may write the current plan's bill: not within {@code updateEvery} of
     * processing time of the last one, or of the customer's first interval. An interval that
     * comes while it may not registers no
     * quarter timer: in a catch-up that was 33 timers a customer where one or two wrote anything
     * (a timer is a keyed-state write and a heap-queue entry). Its news waits for the next
     * interval that is due, the day's close or the month's; live, every quarter is due.
     */
    private boolean quarterUpdateDue(CustomerLedger l, long now) {
        // MIN_VALUE: a ledger restored from state its first interval never stamped (now − MIN_VALUE overflows)
        return l.lastUpdateMs == Long.MIN_VALUE
                || now - l.lastUpdateMs >= params.updateEvery().toMillis();
    }

    private void wait(CustomerLedger l, BillingEvent e, ReadOnlyContext ctx) throws Exception {
        if (l.waiting == CustomerLedger.WAITING_UNKNOWN) {
            l.waiting = 0;
            for (BillingEvent ignored : waiting.get()) {
                l.waiting++;
            }
        }
        if (l.waiting >= MAX_WAITING) {
            droppedWaiting.inc();
            if (droppedWaiting.getCount() == 1) {
                LOG.warn(
                        "no tariff plan in the catalogue topic yet: intervals are waiting for it and the oldest are now being dropped;"
                                + " load a catalogue (scripts/tariffs.sh load) or set tariffs.enabled=false");
            }
            return;
        }
        waiting.add(e);
        l.waiting++;
        ctx.timerService().registerEventTimeTimer(e.time() + Q - 1);
    }

    /** What waited for the catalogue, now that it is here, in the order it came. */
    private void replayWaiting(CustomerLedger l, Map<String, TariffPlan> catalogue, ReadOnlyContext ctx)
            throws Exception {
        if (l.waiting == 0) {
            return; // the ledger counts them: no list-state read an event
        }
        Iterable<BillingEvent> held = waiting.get();
        waiting.clear();
        l.waiting = 0;
        for (BillingEvent w : held) {
            route(ctx, l, w, catalogue);
        }
    }

    private void warn(
            ReadOnlyContext ctx,
            CustomerLedger l,
            TariffPlan plan,
            BillingTerms t,
            long window,
            double projectedKw,
            long readingTs) {
        PlanMonth pm = l.monthOf(plan, window);
        if (pm.coveredUntil == Long.MIN_VALUE || pm.coveredUntil - pm.trackedFrom < 86_400_000L) {
            return; // the first day of data sets the month's baseline: every quarter of it would be "a new maximum"
        }
        long[] max = l.maxDemand(pm, window);
        if (max[0] <= 0) {
            return;
        }
        if (!advisor.mayWarn(max[0] / (double) CustomerLedger.MICRO, projectedKw)) {
            return;
        }
        ZonedDateTime local = Instant.ofEpochMilli(window).atZone(plan.zone());
        Optional<Advice> a = advisor.demandWarning(
                plan,
                t.customerTerms(),
                local.toLocalDate(),
                PlanMonth.micro(max[0]),
                BigDecimal.valueOf(projectedKw),
                String.format("%02d:%02d", local.getHour(), local.getMinute()));
        if (a.isEmpty()) {
            return;
        }
        long fen = fen(a.get().saving());
        if (window == l.warnedWindow && fen < 2 * l.warnedFen) {
            return; // said once per quarter; again only if what it would add has doubled since
        }
        l.warnedWindow = window;
        l.warnedFen = fen;
        warnings.inc();
        // made at the reading that showed it, before the quarter ends; named by the quarter
        ctx.output(
                HINTS,
                hint(
                        ctx.getCurrentKey(),
                        a.get(),
                        plan,
                        pm,
                        readingTs,
                        ctx.getCurrentKey() + "/demand_warning/" + a.get().target() + "/" + window));
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<BillPoint> out) throws Exception {
        Map<String, TariffPlan> catalogue = catalogue(ctx);
        CustomerLedger l = state.value();
        if (l == null) {
            return;
        }
        if (!catalogue.isEmpty()) {
            replayWaiting(l, catalogue, ctx);
        }
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        long lateness = params.allowedLateness15m().toMillis();
        TariffPlan current = l.terms == null ? null : catalogue.get(l.terms.planId());
        if (current != null) {
            releaseHeld(ctx, l, current, ctx.timerService(), endOfInput);
        }
        l.finalizeUpTo(t, lateness);
        l.expireWatches(t);
        ZoneId zone = current == null ? FALLBACK_ZONE : current.zone();
        long dayEnd = t + 1 - lateness;
        boolean dayClose =
                Instant.ofEpochMilli(dayEnd).atZone(zone).toLocalTime().equals(java.time.LocalTime.MIDNIGHT);
        if (current != null && dayClose) {
            // Every plan's bill, and the hints, at the customer's local day close, once the day's
            // data is final (its end + the allowed lateness) and on that day's data only: the
            // same data gives the same hints, however its corrections were timed.
            CustomerLedger day = l.asOf(dayEnd, catalogue);
            PlanMonth today = null;
            for (PlanMonth pm : day.months) {
                if (pm.planId.equals(current.id()) && pm.holds(dayEnd - 1)) {
                    today = pm;
                }
            }
            // Other plans are compared from the customer's first whole day on, like the hints: a
            // day its data began during (a meter first seen at 23:40) bills its own plan only. The
            // other plans' bills of those minutes were overwritten at the next close, unread (in
            // the benchmark's catch-up, 7,000 of its 34,000 bill points).
            boolean wholeDay = today != null && today.trackedFrom <= dayStartOf(dayEnd - 1, zone);
            for (PlanMonth pm : latestMonths(day)) {
                TariffPlan p = catalogue.get(pm.planId);
                if (p != null
                        && pm.holds(dayEnd - 1)
                        && (p == current || wholeDay)
                        && !leftToMonthClose(endOfInput, pm, t, lateness, ctx)) {
                    emitBill(ctx, out, l, day, pm, p, false);
                }
            }
            if (today != null && today.coveredUntil >= dayEnd) {
                // the day's data reached its end (the last, partial day of a bounded input gets no hints)
                hints(ctx, l, day, catalogue, current, dayEnd);
            }
            l.lastUpdateMs = ctx.timerService().currentProcessingTime();
            // The current plan's bill now shows the day as it closed; what came after it (a
            // catch-up's next day) is written again by the next quarter update.
            l.updateDue = l.updateDue || l.open.stream().anyMatch(w -> w.start >= dayEnd);
        } else if (current != null && (t + 1) % Q == 0 && l.updateDue) {
            long now = ctx.timerService().currentProcessingTime();
            if (quarterUpdateDue(l, now) || endOfInput) {
                PlanMonth pm = l.latestMonth(current.id());
                if (pm != null && !leftToMonthClose(endOfInput, pm, t, lateness, ctx)) {
                    emitBill(ctx, out, l, l, pm, current, false);
                }
                l.lastUpdateMs = now;
                l.updateDue = false;
            }
        }
        // After the day close: a month's last day closes at the same time as the month, and its
        // hints need the month still there.
        for (PlanMonth closed : l.closedBy(t, lateness)) {
            TariffPlan p = catalogue.get(closed.planId);
            if (p != null) {
                emitBill(ctx, out, l, l, closed, p, !endOfInput || closed.coveredUntil >= closed.monthEnd);
            }
            if (!endOfInput) {
                l.drop(closed);
            }
        }
        if (l.isEmpty()) {
            state.clear();
        } else {
            state.update(l);
        }
    }

    /**
     * Whether {@code pm}'s bill is left to its month's close: at the end of a bounded input every
     * timer fires at once, in order, and the month's close (this timer, or a later one made sure
     * of here) writes each of its plans' bills as they finally stand, over the same points. A
     * quarter update or day close writing them first would only be overwritten: at a backfill's
     * or replay's end that was two of every three bill points.
     */
    private static boolean leftToMonthClose(
            boolean endOfInput, PlanMonth pm, long t, long lateness, OnTimerContext ctx) {
        if (!endOfInput) {
            return false;
        }
        long close = pm.monthEnd - 1 + lateness;
        if (close > t) {
            ctx.timerService().registerEventTimeTimer(close);
        }
        return true;
    }

    /** The newest month of each plan. */
    private static List<PlanMonth> latestMonths(CustomerLedger l) {
        Map<String, PlanMonth> latest = new LinkedHashMap<>();
        for (PlanMonth pm : l.months) {
            PlanMonth x = latest.get(pm.planId);
            if (x == null || pm.monthStart > x.monthStart) {
                latest.put(pm.planId, pm);
            }
        }
        return new ArrayList<>(latest.values());
    }

    /** The bill of {@code pm} under {@code plan}: the customer's own terms on its plan; the cheaper basis on another two-part plan. */
    private CustomerLedger.Priced priced(CustomerLedger l, PlanMonth pm, TariffPlan plan) {
        CustomerTerms terms = l.terms.customerTerms();
        if (plan.id().equals(l.terms.planId())) {
            return l.price(pm, plan, terms);
        }
        CustomerLedger.Priced best = null;
        for (CustomerTerms o : options(plan, terms)) {
            CustomerLedger.Priced p = l.price(pm, plan, o);
            if (best == null || p.projected().total().compareTo(best.projected().total()) < 0) {
                best = p;
            }
        }
        return best;
    }

    /** Some version of {@code plan} has a basic charge: its bills say what it is, 0 included. */
    static boolean hasBasicCharge(TariffPlan plan) {
        List<PlanVersion> versions = plan.versions();
        for (int i = 0; i < versions.size(); i++) { // by index: asked at every bill, no iterator each time
            if (versions.get(i).twoPart()) {
                return true;
            }
        }
        return false;
    }

    /** Some version of {@code plan} adjusts this customer's bill by its power factor. */
    static boolean hasPowerFactorAdjustment(TariffPlan plan, CustomerTerms terms) {
        for (PlanVersion v : plan.versions()) {
            if (v.powerFactorFor(terms) != null) {
                return true;
            }
        }
        return false;
    }

    private static boolean twoPart(TariffPlan p) {
        return p.versions().get(p.versions().size() - 1).twoPart();
    }

    /** The terms a customer could have on {@code plan}: each basis it offers (contract only with a contract demand). */
    static List<CustomerTerms> options(TariffPlan plan, CustomerTerms terms) {
        var last = plan.versions().get(plan.versions().size() - 1);
        if (!last.twoPart()) {
            return List.of(terms.withBasis(null, terms.contractKw()));
        }
        List<CustomerTerms> out = new ArrayList<>();
        for (BasicCharge.Basis b : BasicCharge.Basis.values()) {
            if (last.basic().offers(b) && (b != BasicCharge.Basis.CONTRACT || terms.contractKw() != null)) {
                out.add(terms.withBasis(b, terms.contractKw()));
            }
        }
        return out;
    }

    /** @param view the ledger the bill is priced on ({@code l}, or {@code l} as of a day's end); {@code l} keeps the books */
    private void emitBill(
            ReadOnlyContext ctx,
            Collector<BillPoint> out,
            CustomerLedger l,
            CustomerLedger view,
            PlanMonth pm,
            TariffPlan plan,
            boolean fin) {
        CustomerLedger.Priced p;
        try {
            p = priced(view, pm, plan);
        } catch (IllegalArgumentException e) {
            unbillable(ctx.getCurrentKey(), plan.id() + " for " + pm.yearMonth(), e);
            return;
        }
        Bill b = p.toDate();
        boolean current = plan.id().equals(l.terms.planId());
        // The time-of-use split of the month's energy under this plan (the customer dashboard's).
        java.util.Map<String, java.math.BigDecimal> split = new java.util.TreeMap<>();
        for (BillLine line : b.lines()) {
            if (line.charge() == BillLine.Charge.ENERGY && !line.memo() && line.period() != null) {
                split.merge(line.period(), line.quantity(), java.math.BigDecimal::add);
            }
        }
        String basis = p.terms().basis() == null ? null : p.terms().basis().id();
        int constants = constants(current, plan.illustrative(), p.terms().basis());
        PlanMonth books = l.own(pm); // pm may be a day close's view of it
        int before = books == null ? PlanMonth.UNKNOWN : books.written;
        boolean repeat = !fin && before == constants;
        // current=false goes only over a point that may have said true (one this ledger wrote, or
        // one it has no record of): a plan that never was the customer's leaves the field out.
        boolean wasCurrent = before == PlanMonth.UNKNOWN || saysCurrent(before);
        if (books != null) {
            books.written = constants;
        }
        out.collect(new BillPoint(
                ctx.getCurrentKey(),
                plan.id(),
                pm.yearMonth().toString(),
                pm.monthStart,
                current,
                basis,
                b.total().toPlainString(),
                p.projected().total().toPlainString(),
                b.energyAmount().toPlainString(),
                hasBasicCharge(plan) ? b.basicAmount().toPlainString() : null,
                hasPowerFactorAdjustment(plan, p.terms())
                        ? b.amountOf(BillLine.Charge.POWER_FACTOR).toPlainString()
                        : null,
                b.kwh().doubleValue(),
                b.maxDemandKw() == null ? Double.NaN : b.maxDemandKw().doubleValue(),
                b.powerFactor() == null ? Double.NaN : b.powerFactor().doubleValue(),
                pm.coveredUntil,
                fin,
                pm.partial(),
                plan.illustrative(),
                split.keySet().toArray(new String[0]),
                split.values().stream()
                        .mapToDouble(java.math.BigDecimal::doubleValue)
                        .toArray(),
                repeat,
                wasCurrent));
        if (current) {
            revenue(ctx, l, pm, b.total(), p.projected().total());
        }
    }

    /** {@link #constants}' bit for {@code current}. */
    private static final int CURRENT = 2;

    /**
     * The fields of a bill point that stay the same within a month unless the customer's plan,
     * the plan's catalogue flag or the basis the bill is on changes, as one number (never 0, never
     * {@link PlanMonth#UNKNOWN}): {@code current}, {@code illustrative} and {@code basis}.
     */
    static int constants(boolean current, boolean illustrative, BasicCharge.Basis basis) {
        return 1 | (current ? CURRENT : 0) | (illustrative ? 4 : 0) | (basis == null ? 0 : (basis.ordinal() + 1) << 3);
    }

    /** Whether a point with these {@link #constants} said {@code current=true}. */
    static boolean saysCurrent(int constants) {
        return (constants & CURRENT) != 0;
    }

    /** The customer's change to its class's, region's and feeder's month: billed and projected, in fen. */
    private void revenue(ReadOnlyContext ctx, CustomerLedger l, PlanMonth pm, BigDecimal billed, BigDecimal projected) {
        String month = pm.yearMonth().toString();
        long customers = 0;
        if (!month.equals(l.revenueMonth)) {
            l.revenueMonth = month;
            l.billedFen = 0;
            l.projectedFen = 0;
            l.offeredFen = 0;
            customers = 1;
        }
        long b = fen(billed);
        long p = fen(projected);
        if (b == l.billedFen && p == l.projectedFen && customers == 0) {
            return;
        }
        sendRevenue(ctx, l, pm, b - l.billedFen, p - l.projectedFen, 0, customers);
        l.billedFen = b;
        l.projectedFen = p;
    }

    private void sendRevenue(
            ReadOnlyContext ctx,
            CustomerLedger l,
            PlanMonth pm,
            long billed,
            long projected,
            long saving,
            long customers) {
        String month = pm.yearMonth().toString();
        BillingTerms t = l.terms;
        ctx.output(
                REVENUE,
                new RevenueDelta(
                        "class", t.customerClass(), month, pm.monthStart, billed, projected, saving, customers));
        if (t.region() != null) {
            ctx.output(
                    REVENUE,
                    new RevenueDelta("region", t.region(), month, pm.monthStart, billed, projected, saving, customers));
        }
        if (t.feederId() != null) {
            ctx.output(
                    REVENUE,
                    new RevenueDelta(
                            "feeder", t.feederId(), month, pm.monthStart, billed, projected, saving, customers));
        }
    }

    // ------------------------------------------------------------------ hints at the day close

    /** Hints of the day that closed at {@code at}, priced on {@code day} (the ledger as of then); {@code l} keeps what was sent. */
    private void hints(
            OnTimerContext ctx,
            CustomerLedger l,
            CustomerLedger day,
            Map<String, TariffPlan> catalogue,
            TariffPlan current,
            long at) {
        PlanMonth pm = null;
        for (PlanMonth x : day.months) {
            if (x.planId.equals(current.id()) && x.holds(at - 1) && x.coveredUntil != Long.MIN_VALUE) {
                pm = x; // the month of the day that closed, though the next month's first intervals may be in already
            }
        }
        if (pm == null) {
            return;
        }
        String month = pm.yearMonth().toString();
        if (!month.equals(l.sentMonth)) {
            l.sentMonth = month;
            l.sentFen.clear();
        }
        CustomerTerms terms = l.terms.customerTerms();
        LocalDate date = Instant.ofEpochMilli(at - 1).atZone(current.zone()).toLocalDate();
        if (pm.trackedFrom > date.atStartOfDay(current.zone()).toInstant().toEpochMilli()) {
            // The month's data began during this day: a plan comparison or a peak share from a
            // part of a day (a meter first seen at 23:40 has only night hours) would be the hours
            // seen, not the customer's day. Hints start with the first whole day.
            return;
        }
        List<Advice> advice = new ArrayList<>();
        CustomerLedger.Priced now;
        try {
            now = day.price(pm, current, terms);
            var toDate = day.usage(pm, current);
            var projectedUsage = day.projected(pm, current, toDate);
            var coverage = io.kilowatch.billing.Coverage.of(current, toDate, pm.startDays(), toDate.coveredDays());
            advisor.shiftLoad(
                            current,
                            terms,
                            toDate,
                            coverage,
                            projectedUsage,
                            params.flexibleShareOf(terms.customerClass()))
                    .ifPresent(advice::add);
            boolean demandKnown = pm.coveredUntil - pm.trackedFrom >= params.demandMinMs();
            if (demandKnown) {
                advisor.basis(current, terms, projectedUsage).ifPresent(advice::add);
            }
            advisor.powerFactor(current, terms, projectedUsage).ifPresent(advice::add);
        } catch (IllegalArgumentException e) {
            unbillable(ctx.getCurrentKey(), "hints for " + month, e);
            return;
        }
        {
            // Other plans (another basis of the customer's own plan is the basis hint's), compared only
            // over the same days: tracked since the current plan was (a plan that appeared in the
            // catalogue mid-month is compared from the next month on).
            List<Advisor.Option> options = new ArrayList<>();
            Map<Advisor.Option, PlanMonth> monthOf = new LinkedHashMap<>();
            for (PlanMonth other : day.months) {
                TariffPlan p = catalogue.get(other.planId);
                if (p == null
                        || p == current
                        || other.trackedFrom > pm.trackedFrom
                        || !other.yearMonth().equals(pm.yearMonth())) {
                    continue;
                }
                boolean demandMatters = twoPart(p) || twoPart(current);
                if (demandMatters && pm.coveredUntil - pm.trackedFrom < params.demandMinMs()) {
                    continue; // a two-part bill rests on the month's maximum demand: not yet known well enough
                }
                for (CustomerTerms o : options(p, terms)) {
                    Advisor.Option opt = new Advisor.Option(p, o);
                    options.add(opt);
                    monthOf.put(opt, other);
                }
            }
            advisor.switchPlan(new Advisor.Option(current, terms), now.toDate(), now.projected(), options, o -> {
                        CustomerLedger.Priced x = day.price(monthOf.get(o), o.plan(), o.terms());
                        return new Bill[] {x.toDate(), x.projected()};
                    })
                    .ifPresent(advice::add);
        }
        long best = 0;
        for (Advice a : advice) {
            long fen = fen(a.saving());
            best = Math.max(best, fen);
            String key = a.kind().id() + "/" + a.target();
            Long last = l.sentFen.get(key);
            if (last != null && Math.abs(fen - last) <= params.resendChange().doubleValue() * last) {
                continue;
            }
            l.sentFen.put(key, fen);
            hintsSent.inc();
            ctx.output(
                    HINTS,
                    hint(
                            ctx.getCurrentKey(),
                            a,
                            current,
                            pm,
                            at,
                            ctx.getCurrentKey() + "/" + a.kind().id() + "/" + a.target() + "/" + date));
        }
        if (best != l.offeredFen && month.equals(l.revenueMonth)) {
            sendRevenue(ctx, l, pm, 0, 0, best - l.offeredFen, 0);
            l.offeredFen = best;
        }
    }

    private static Hint hint(String customer, Advice a, TariffPlan plan, PlanMonth pm, long ts, String id) {
        return new Hint(
                id,
                customer,
                a.kind().id(),
                ts,
                pm.yearMonth().toString(),
                plan.id(),
                a.target(),
                a.currentCost(),
                a.alternativeCost(),
                a.saving(),
                a.figures(),
                plan.illustrative(),
                a.message());
    }

    /**
     * Usage the plan cannot price (a power-factor rule and meters that send no kvar, a two-part plan
     * without a basis): counted, and logged for the first few and then every thousandth, so a
     * registry or catalogue mistake is seen without a line per customer per quarter.
     */
    private void unbillable(String customer, String what, IllegalArgumentException e) {
        unbillable.inc();
        long n = unbillable.getCount();
        if (n <= 10 || n % 1000 == 0) {
            LOG.warn("customer {}: no {} ({} so far): {}", customer, what, n, e.getMessage());
        }
    }

    private CustomerLedger ledger() throws Exception {
        CustomerLedger l = state.value();
        return l == null ? new CustomerLedger() : l;
    }

    static long fen(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP).movePointRight(2).longValueExact();
    }

    /** The start of the local day that holds {@code t}: {@link #dayEndOf}'s, from its cache. */
    private long dayStartOf(long t, ZoneId zone) {
        dayEndOf(t, zone);
        return lastDayStart;
    }

    /**
     * The end of the local day (in {@code zone}) that holds {@code t}, remembered for the day last
     * asked: the intervals of a subtask's customers come mostly from one day at a time, and the
     * zone arithmetic was 2 % of the stage per interval.
     */
    private long dayEndOf(long t, ZoneId zone) {
        if (t < lastDayStart || t >= lastDayEnd || !zone.equals(lastDayZone)) {
            LocalDate d = Instant.ofEpochMilli(t).atZone(zone).toLocalDate();
            lastDayStart = d.atStartOfDay(zone).toInstant().toEpochMilli();
            lastDayEnd = d.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
            lastDayZone = zone;
        }
        return lastDayEnd;
    }
}

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
 * processing time per customer, so a replay does not price every quarter of every customer);
 * every plan's bill and the hints at the customer's local day close; final bills at the month's
 * close (its end plus the allowed lateness); a demand warning within the reading that shows it.
 * The end of a bounded input writes bills as they stand (not final) and no day-close hints.
 */
public class ShadowBills extends KeyedBroadcastProcessFunction<String, BillingEvent, TariffUpdate, BillPoint> {
    private static final Logger LOG = LoggerFactory.getLogger(ShadowBills.class);
    private static final long Q = CustomerLedger.Q;
    private static final ZoneId FALLBACK_ZONE = ZoneId.of("Asia/Shanghai");

    public static final MapStateDescriptor<String, String> TARIFFS = new MapStateDescriptor<>("tariffs", Types.STRING, Types.STRING);
    public static final OutputTag<Hint> HINTS = new OutputTag<>("hints", TypeInformation.of(Hint.class));
    public static final OutputTag<RevenueDelta> REVENUE = new OutputTag<>("revenue", TypeInformation.of(RevenueDelta.class));

    private final TariffParams params;
    private transient ValueState<CustomerLedger> state;
    private transient Advisor advisor;
    private transient long catalogueVersion;
    private transient long cachedVersion;
    private transient Map<String, TariffPlan> plans;
    private transient Counter unknownPlan;
    private transient Counter badPlans;
    private transient Counter hintsSent;
    private transient Counter warnings;

    public ShadowBills(TariffParams params) {
        this.params = params;
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("ledger", CustomerLedgerSerializer.INSTANCE));
        advisor = new Advisor(params.thresholds());
        cachedVersion = -1;
        var m = getRuntimeContext().getMetricGroup();
        unknownPlan = m.counter("intervalsOfUnknownPlan");
        badPlans = m.counter("tariffPlansRejected");
        hintsSent = m.counter("hintsSent");
        warnings = m.counter("demandWarnings");
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
                LOG.warn("kw.tariffs record for plan {} ignored (the last valid one, if any, stays in force): {}", u.planId(), e.getMessage());
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

    /** The customer's current plan first, then every other plan it may choose. */
    private static List<TariffPlan> tracked(Map<String, TariffPlan> catalogue, BillingTerms t) {
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
        return out;
    }

    @Override
    public void processElement(BillingEvent e, ReadOnlyContext ctx, Collector<BillPoint> out) throws Exception {
        Map<String, TariffPlan> catalogue = catalogue(ctx);
        TariffPlan current = catalogue.get(e.terms().planId());
        if (current == null) {
            unknownPlan.inc();
            return;
        }
        CustomerLedger l = ledger();
        var timers = ctx.timerService();
        if (e.interval()) {
            l.interval(e, tracked(catalogue, e.terms()));
            long lateness = params.allowedLateness15m().toMillis();
            timers.registerEventTimeTimer(e.time() + Q - 1);
            timers.registerEventTimeTimer(e.time() + Q - 1 + lateness);
            timers.registerEventTimeTimer(dayEnd(e.time(), current.zone()) - 1);
            for (PlanMonth pm : l.months) {
                timers.registerEventTimeTimer(pm.monthEnd - 1 + lateness);
            }
        } else {
            double[] w = l.watch(e);
            if (w != null) {
                timers.registerEventTimeTimer((long) w[0] + Q - 1);
                if (w[2] >= params.warningMinMinutes()) {
                    warn(ctx, l, current, e.terms(), (long) w[0], w[1]);
                }
            }
        }
        state.update(l);
    }

    private void warn(ReadOnlyContext ctx, CustomerLedger l, TariffPlan plan, BillingTerms t, long window, double projectedKw) {
        PlanMonth pm = l.monthOf(plan, window);
        if (pm.coveredUntil == Long.MIN_VALUE || pm.coveredUntil - pm.monthStart < 86_400_000L) {
            return; // the month's first day sets its baseline: every quarter of it would be "a new maximum"
        }
        long[] max = l.maxDemand(pm);
        if (max[0] <= 0) {
            return;
        }
        ZonedDateTime local = Instant.ofEpochMilli(window).atZone(plan.zone());
        Optional<Advice> a = advisor.demandWarning(plan, t.customerTerms(), local.toLocalDate(), PlanMonth.micro(max[0]),
                BigDecimal.valueOf(projectedKw), String.format("%02d:%02d", local.getHour(), local.getMinute()));
        if (a.isEmpty()) {
            return;
        }
        long fen = fen(a.get().saving());
        if (window == l.warnedWindow && fen <= l.warnedFen * (1 + params.resendChange().doubleValue())) {
            return;
        }
        l.warnedWindow = window;
        l.warnedFen = fen;
        warnings.inc();
        ctx.output(HINTS, hint(ctx.getCurrentKey(), a.get(), plan, pm, window, ctx.getCurrentKey() + "/demand_warning/" + a.get().target()
                + "/" + window));
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<BillPoint> out) throws Exception {
        CustomerLedger l = state.value();
        if (l == null) {
            return;
        }
        boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
        Map<String, TariffPlan> catalogue = catalogue(ctx);
        long lateness = params.allowedLateness15m().toMillis();
        l.finalizeUpTo(t, lateness);
        l.expireWatches(t);
        TariffPlan current = l.terms == null ? null : catalogue.get(l.terms.planId());
        for (PlanMonth closed : l.closedBy(t, lateness)) {
            TariffPlan p = catalogue.get(closed.planId);
            if (p != null) {
                emitBill(ctx, out, l, closed, p, !endOfInput);
            }
            if (!endOfInput) {
                l.drop(closed);
            }
        }
        ZoneId zone = current == null ? FALLBACK_ZONE : current.zone();
        boolean dayClose = Instant.ofEpochMilli(t + 1).atZone(zone).toLocalTime().equals(java.time.LocalTime.MIDNIGHT);
        if (current != null && dayClose) {
            // every plan's bill, and the hints, at the customer's local day close
            for (PlanMonth pm : latestMonths(l)) {
                TariffPlan p = catalogue.get(pm.planId);
                if (p != null && pm.holds(t)) {
                    emitBill(ctx, out, l, pm, p, false);
                }
            }
            if (!endOfInput) {
                hints(ctx, l, catalogue, current, t + 1);
            }
            l.lastUpdateMs = ctx.timerService().currentProcessingTime();
        } else if (current != null && (t + 1) % Q == 0) {
            long now = ctx.timerService().currentProcessingTime();
            if (l.lastUpdateMs == Long.MIN_VALUE || now - l.lastUpdateMs >= params.updateEvery().toMillis() || endOfInput) {
                PlanMonth pm = l.latestMonth(current.id());
                if (pm != null) {
                    emitBill(ctx, out, l, pm, current, false);
                }
                l.lastUpdateMs = now;
            }
        }
        if (l.isEmpty()) {
            state.clear();
        } else {
            state.update(l);
        }
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

    private void emitBill(ReadOnlyContext ctx, Collector<BillPoint> out, CustomerLedger l, PlanMonth pm, TariffPlan plan, boolean fin) {
        CustomerLedger.Priced p;
        try {
            p = priced(l, pm, plan);
        } catch (IllegalArgumentException e) {
            LOG.warn("customer {}: no bill under {} for {}: {}", ctx.getCurrentKey(), plan.id(), pm.yearMonth(), e.getMessage());
            return;
        }
        Bill b = p.toDate();
        boolean current = plan.id().equals(l.terms.planId());
        out.collect(new BillPoint(ctx.getCurrentKey(), plan.id(), pm.yearMonth().toString(), pm.monthStart, current,
                p.terms().basis() == null ? null : p.terms().basis().id(), b.total().toPlainString(), p.projected().total().toPlainString(),
                b.energyAmount().toPlainString(), b.basicAmount().toPlainString(), b.amountOf(BillLine.Charge.POWER_FACTOR).toPlainString(),
                b.kwh().doubleValue(), b.maxDemandKw() == null ? Double.NaN : b.maxDemandKw().doubleValue(),
                b.powerFactor() == null ? Double.NaN : b.powerFactor().doubleValue(), pm.coveredUntil, fin, pm.partial(), plan.illustrative()));
        if (current) {
            revenue(ctx, l, pm, b.total(), p.projected().total());
        }
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

    private void sendRevenue(ReadOnlyContext ctx, CustomerLedger l, PlanMonth pm, long billed, long projected, long saving, long customers) {
        String month = pm.yearMonth().toString();
        BillingTerms t = l.terms;
        ctx.output(REVENUE, new RevenueDelta("class", t.customerClass(), month, pm.monthStart, billed, projected, saving, customers));
        if (t.region() != null) {
            ctx.output(REVENUE, new RevenueDelta("region", t.region(), month, pm.monthStart, billed, projected, saving, customers));
        }
        if (t.feederId() != null) {
            ctx.output(REVENUE, new RevenueDelta("feeder", t.feederId(), month, pm.monthStart, billed, projected, saving, customers));
        }
    }

    // ------------------------------------------------------------------ hints at the day close

    private void hints(OnTimerContext ctx, CustomerLedger l, Map<String, TariffPlan> catalogue, TariffPlan current, long at) {
        PlanMonth pm = l.latestMonth(current.id());
        if (pm == null || !pm.holds(at - 1)) {
            return;
        }
        String month = pm.yearMonth().toString();
        if (!month.equals(l.sentMonth)) {
            l.sentMonth = month;
            l.sentFen.clear();
        }
        CustomerTerms terms = l.terms.customerTerms();
        LocalDate day = Instant.ofEpochMilli(at - 1).atZone(current.zone()).toLocalDate();
        List<Advice> advice = new ArrayList<>();
        CustomerLedger.Priced now;
        try {
            now = l.price(pm, current, terms);
            var projectedUsage = l.projected(pm, current, l.usage(pm, current));
            advisor.shiftLoad(current, terms, projectedUsage, params.flexibleShareOf(terms.customerClass())).ifPresent(advice::add);
            advisor.basis(current, terms, projectedUsage).ifPresent(advice::add);
            advisor.powerFactor(current, terms, projectedUsage).ifPresent(advice::add);
        } catch (IllegalArgumentException e) {
            LOG.warn("customer {}: no hints for {}: {}", ctx.getCurrentKey(), month, e.getMessage());
            return;
        }
        if (!pm.partial()) {
            List<Advisor.Option> options = new ArrayList<>();
            Map<Advisor.Option, PlanMonth> monthOf = new LinkedHashMap<>();
            for (PlanMonth other : l.months) {
                TariffPlan p = catalogue.get(other.planId);
                if (p == null || other.partial() || !other.yearMonth().equals(pm.yearMonth())) {
                    continue;
                }
                for (CustomerTerms o : options(p, terms)) {
                    Advisor.Option opt = new Advisor.Option(p, o);
                    options.add(opt);
                    monthOf.put(opt, other);
                }
            }
            advisor.switchPlan(new Advisor.Option(current, terms), now.toDate(), now.projected(), options, o -> {
                CustomerLedger.Priced x = l.price(monthOf.get(o), o.plan(), o.terms());
                return new Bill[] {x.toDate(), x.projected()};
            }).ifPresent(advice::add);
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
            ctx.output(HINTS, hint(ctx.getCurrentKey(), a, current, pm, at, ctx.getCurrentKey() + "/" + a.kind().id() + "/" + a.target() + "/"
                    + day));
        }
        if (best != l.offeredFen && month.equals(l.revenueMonth)) {
            sendRevenue(ctx, l, pm, 0, 0, best - l.offeredFen, 0);
            l.offeredFen = best;
        }
    }

    private static Hint hint(String customer, Advice a, TariffPlan plan, PlanMonth pm, long ts, String id) {
        return new Hint(id, customer, a.kind().id(), ts, pm.yearMonth().toString(), plan.id(), a.target(), a.currentCost(), a.alternativeCost(),
                a.saving(), a.figures(), plan.illustrative(), a.message());
    }

    private CustomerLedger ledger() throws Exception {
        CustomerLedger l = state.value();
        return l == null ? new CustomerLedger() : l;
    }

    static long fen(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP).movePointRight(2).longValueExact();
    }

    /** The end of the local day (in {@code zone}) that holds {@code t}. */
    static long dayEnd(long t, ZoneId zone) {
        LocalDate d = Instant.ofEpochMilli(t).atZone(zone).toLocalDate();
        return d.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
    }

}

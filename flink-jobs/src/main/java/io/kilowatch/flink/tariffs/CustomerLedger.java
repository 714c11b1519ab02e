package io.kilowatch.flink.tariffs;

import io.kilowatch.billing.Bill;
import io.kilowatch.billing.BillEngine;
import io.kilowatch.billing.MonthUsage;
import io.kilowatch.billing.Projection;
import io.kilowatch.flink.records.BillingEvent;
import io.kilowatch.flink.records.BillingTerms;
import io.kilowatch.model.tariff.CustomerTerms;
import io.kilowatch.model.tariff.TariffPlan;
import java.time.Instant;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Everything the tariff stage keeps for one customer, and the arithmetic on it: the intervals
 * that may still change (within the allowed lateness; a correction replaces its earlier value),
 * a month per plan the customer is on or may choose, the hints already sent, its contribution to
 * the revenue roll-ups, and the current quarter's readings for the demand warning. No Flink here:
 * {@link ShadowBills} calls it, {@link CustomerLedgerSerializer} writes it.
 */
final class CustomerLedger {
    static final long Q = 900_000;
    static final long MICRO = 1_000_000;

    BillingTerms terms;
    /** Intervals not final yet, by start: each meter's energy (µkWh) and reactive energy (µkvarh, −1 when not measured). */
    List<OpenWindow> open = new ArrayList<>();

    List<PlanMonth> months = new ArrayList<>();
    /** Hints sent this month: kind/target → saving (fen), so a hint is repeated only when its saving changes materially. */
    Map<String, Long> sentFen = new HashMap<>();

    String sentMonth;
    /** What was last given to the revenue roll-ups, for the current plan's month. */
    String revenueMonth;

    long billedFen;
    long projectedFen;
    long offeredFen;
    /** The current quarter's readings of each demand-billed meter. */
    List<MeterWatch> watches = new ArrayList<>();

    long warnedWindow = Long.MIN_VALUE;
    long warnedFen;
    /** Processing time of the last quarter update written, for the catch-up throttle. */
    long lastUpdateMs = Long.MIN_VALUE;
    /**
     * An interval came (or was corrected) since the last quarter update: the next one has news.
     * The quarter timers that find nothing new (the lateness timers, the flush at a bounded
     * input's end) then price nothing.
     */
    boolean updateDue;
    /** The day-close timer last registered (the month closes with it): registered again only when the day changes. */
    long dayCloseTimer = Long.MIN_VALUE;
    /** Events in the waiting-for-tariffs list state (ShadowBills): counted here, so the list is read only when there are some. */
    int waiting;
    /** {@link #waiting} of a ledger restored from a format that did not count them. */
    static final int WAITING_UNKNOWN = -1;
    /** The customer's day profile per month, for the projection every plan shares. */
    List<DayProfile> profiles = new ArrayList<>();
    /**
     * Readings of demand-billed meters that ran ahead of the intervals (a catch-up): judged, in
     * order, once the intervals before their quarter are in, so a warning compares with the
     * month's maximum as it was.
     */
    List<BillingEvent> heldReadings = new ArrayList<>();

    /**
     * A month's energy (µkWh) and quarter-hours seen by local hour of the day, in the current
     * plan's zone: the customer's own profile, which every plan's projection carries forward, so
     * plans compare on the same projected energy.
     */
    static final class DayProfile {
        int year;
        int month;
        long[] kwh = new long[24];
        int[] quarters = new int[24];

        /** Average kWh per quarter-hour of each hour; NaN for an hour not seen. */
        double[] perQuarter() {
            double[] out = new double[24];
            for (int h = 0; h < 24; h++) {
                out[h] = quarters[h] == 0 ? Double.NaN : kwh[h] / (double) MICRO / quarters[h];
            }
            return out;
        }
    }

    static final class OpenWindow {
        long start;
        String[] meters = new String[0];
        long[] kwh = new long[0];
        long[] kvarh = new long[0];

        long sumKwh() {
            long s = 0;
            for (long x : kwh) {
                s += x;
            }
            return s;
        }
    }

    static final class MeterWatch {
        String meterId;
        long window;
        /** sumKw / count: the meter's mean kW over the quarter so far (count is 1 since readings carry the mean). */
        double sumKw;

        int count;
        long firstTs;
        long lastTs;
    }

    boolean isEmpty() {
        return open.isEmpty() && months.isEmpty() && watches.isEmpty() && heldReadings.isEmpty() && waiting == 0;
    }

    // ------------------------------------------------------------------ intervals

    /**
     * A meter's interval energy (its first value, or a correction): the change goes to the month
     * of every plan tracked for the customer. A plan tracked from later than the interval did
     * not count it before and does not count its correction (its month is partial).
     */
    void interval(BillingEvent e, Collection<TariffPlan> tracked) {
        terms = e.terms();
        updateDue = true;
        long kwh = Math.round(e.kwh() * MICRO);
        long kvarh = Double.isNaN(e.kvarh()) ? -1 : Math.round(e.kvarh() * MICRO);
        OpenWindow w = window(e.time());
        boolean newQuarter = w.meters.length == 0;
        int i = indexOf(w.meters, e.meterId());
        long oldKwh = 0;
        long oldKvarh = 0;
        boolean fresh = i < 0;
        if (fresh) {
            w.meters = append(w.meters, e.meterId());
            w.kwh = Arrays.copyOf(w.kwh, w.kwh.length + 1);
            w.kvarh = Arrays.copyOf(w.kvarh, w.kvarh.length + 1);
            i = w.meters.length - 1;
        } else {
            oldKwh = w.kwh[i];
            oldKvarh = Math.max(0, w.kvarh[i]);
        }
        w.kwh[i] = kwh;
        w.kvarh[i] = kvarh;
        java.time.ZonedDateTime local = null;
        if (!tracked.isEmpty()) {
            local = Instant.ofEpochMilli(e.time())
                    .atZone(tracked.iterator().next().zone());
            DayProfile profile = profile(YearMonth.from(local));
            profile.kwh[local.getHour()] += kwh - oldKwh;
            if (newQuarter) {
                profile.quarters[local.getHour()]++;
            }
        }
        for (TariffPlan plan : tracked) {
            PlanMonth pm = monthOf(plan, e.time());
            if (fresh || e.time() >= pm.trackedFrom) {
                java.time.ZonedDateTime inZone = plan.zone().equals(local.getZone())
                        ? local
                        : Instant.ofEpochMilli(e.time()).atZone(plan.zone());
                pm.add(plan, e.time(), inZone, kwh - oldKwh, Math.max(0, kvarh) - oldKvarh, kvarh < 0);
            }
        }
    }

    private DayProfile profile(YearMonth m) {
        for (DayProfile p : profiles) {
            if (p.year == m.getYear() && p.month == m.getMonthValue()) {
                return p;
            }
        }
        DayProfile p = new DayProfile();
        p.year = m.getYear();
        p.month = m.getMonthValue();
        profiles.add(p);
        return p;
    }

    /** The profile of {@code m}, or null when none was kept. */
    DayProfile profileOf(YearMonth m) {
        for (DayProfile p : profiles) {
            if (p.year == m.getYear() && p.month == m.getMonthValue()) {
                return p;
            }
        }
        return null;
    }

    /** The open window of {@code start}, made in its place (by start) when new; looked for from the newest, where intervals mostly come. */
    private OpenWindow window(long start) {
        int at = open.size();
        while (at > 0 && open.get(at - 1).start > start) {
            at--;
        }
        if (at > 0 && open.get(at - 1).start == start) {
            return open.get(at - 1);
        }
        OpenWindow w = new OpenWindow();
        w.start = start;
        open.add(at, w);
        return w;
    }

    /** The month of {@code plan} that holds {@code t}, made when first needed (the year to date carried from the month before). */
    PlanMonth monthOf(TariffPlan plan, long t) {
        for (PlanMonth pm : months) {
            if (pm.planId.equals(plan.id()) && pm.holds(t)) {
                return pm;
            }
        }
        PlanMonth pm = PlanMonth.of(plan, YearMonth.from(Instant.ofEpochMilli(t).atZone(plan.zone())));
        PlanMonth before = previous(pm);
        if (before != null && before.year == pm.year) {
            pm.ytdFromPrevious = true;
        }
        months.add(pm);
        return pm;
    }

    private PlanMonth previous(PlanMonth pm) {
        YearMonth prev = pm.yearMonth().minusMonths(1);
        for (PlanMonth x : months) {
            if (x.planId.equals(pm.planId) && x.yearMonth().equals(prev)) {
                return x;
            }
        }
        return null;
    }

    /** The year's energy before {@code pm}'s month: carried at the previous month's close, or still counted from it. */
    long ytdBefore(PlanMonth pm) {
        if (pm.ytdFromPrevious) {
            PlanMonth before = previous(pm);
            return before == null ? pm.ytdBefore : ytdBefore(before) + before.totalKwh();
        }
        return pm.ytdBefore;
    }

    /** Intervals whose lateness has passed by {@code t} become final: their demand counts in their months' maximum. */
    void finalizeUpTo(long t, long latenessMs) {
        for (Iterator<OpenWindow> it = open.iterator(); it.hasNext(); ) {
            OpenWindow w = it.next();
            if (w.start + Q - 1 + latenessMs > t) {
                break;
            }
            long demand = w.sumKwh() * 4;
            for (PlanMonth pm : months) {
                if (pm.holds(w.start) && demand > pm.finalMaxDemand) {
                    pm.finalMaxDemand = demand;
                    pm.finalMaxDemandAt = w.start;
                }
            }
            it.remove();
        }
    }

    /** The month's maximum 15-minute demand so far (µkW) and when: final intervals and those still open. */
    long[] maxDemand(PlanMonth pm) {
        return maxDemand(pm, Long.MAX_VALUE);
    }

    /** The same over the intervals that start before {@code before} (what a quarter's warning compares with). */
    long[] maxDemand(PlanMonth pm, long before) {
        long max = pm.coveredUntil == Long.MIN_VALUE ? -1 : pm.finalMaxDemand;
        long at = pm.finalMaxDemandAt == 0 && max <= 0 ? Long.MIN_VALUE : pm.finalMaxDemandAt;
        for (OpenWindow w : open) {
            long d = w.sumKwh() * 4;
            if (pm.holds(w.start) && w.start < before && d > max) {
                max = d;
                at = w.start;
            }
        }
        return new long[] {max, at};
    }

    /** Months whose close (end + lateness) has passed by {@code t}, oldest first. */
    List<PlanMonth> closedBy(long t, long latenessMs) {
        List<PlanMonth> out = new ArrayList<>();
        for (PlanMonth pm : months) {
            if (pm.monthEnd - 1 + latenessMs <= t) {
                out.add(pm);
            }
        }
        return out;
    }

    /** Forgets a closed month; the next month of its plan takes its year to date (same year). */
    void drop(PlanMonth closed) {
        long ytd = ytdBefore(closed) + closed.totalKwh();
        months.remove(closed);
        if (months.stream().noneMatch(pm -> pm.yearMonth().equals(closed.yearMonth()))) {
            profiles.removeIf(p -> p.year == closed.year && p.month == closed.month);
        }
        for (PlanMonth pm : months) {
            if (pm.planId.equals(closed.planId)
                    && pm.yearMonth().equals(closed.yearMonth().plusMonths(1))) {
                pm.ytdBefore = pm.year == closed.year ? ytd : 0;
                pm.ytdFromPrevious = false;
            }
        }
    }

    /**
     * The ledger as it stood at {@code end}: a copy without the intervals that start at or after
     * it. A day's close is judged on that day's data only, whatever part of the next day has
     * already arrived (how far the watermark jumped is a matter of timing): the same data gives
     * the same hints.
     */
    CustomerLedger asOf(long end, Map<String, TariffPlan> catalogue) {
        CustomerLedger v = CustomerLedgerSerializer.INSTANCE.copy(this);
        v.prices = new HashMap<>();
        for (OpenWindow w : v.open) {
            if (w.start < end) {
                continue;
            }
            for (PlanMonth pm : v.months) {
                TariffPlan plan = catalogue.get(pm.planId);
                if (plan != null && pm.holds(w.start) && w.start >= pm.trackedFrom) {
                    for (int i = 0; i < w.meters.length; i++) {
                        pm.add(plan, w.start, -w.kwh[i], -Math.max(0, w.kvarh[i]), false);
                    }
                }
            }
        }
        TariffPlan current = terms == null ? null : catalogue.get(terms.planId());
        for (OpenWindow w : v.open) {
            if (w.start >= end && current != null) {
                java.time.ZonedDateTime local = Instant.ofEpochMilli(w.start).atZone(current.zone());
                DayProfile p = v.profileOf(YearMonth.from(local));
                if (p != null) {
                    p.kwh[local.getHour()] -= w.sumKwh();
                    p.quarters[local.getHour()]--;
                }
            }
        }
        v.open.removeIf(w -> w.start >= end);
        for (PlanMonth pm : v.months) {
            pm.coveredUntil = Math.min(pm.coveredUntil, end);
        }
        return v;
    }

    // ------------------------------------------------------------------ bills

    /** A month priced under its plan: to date, and projected to the month's end. */
    record Priced(PlanMonth month, TariffPlan plan, CustomerTerms terms, Bill toDate, Bill projected) {}

    Priced price(PlanMonth pm, TariffPlan plan, CustomerTerms t) {
        PriceKey key = prices == null ? null : new PriceKey(pm, plan.id(), t);
        if (key != null) {
            Priced known = prices.get(key);
            if (known != null) {
                return known;
            }
        }
        MonthUsage u = usage(pm, plan);
        MonthUsage p = projected(pm, plan, u);
        Bill toDate = BillEngine.price(plan, t, u);
        Priced out = new Priced(pm, plan, t, toDate, p == u ? toDate : BillEngine.price(plan, t, p));
        if (key != null) {
            prices.put(key, out);
        }
        return out;
    }

    /** A month (by identity: a view's own), a plan and terms: what a view's bill is priced on. */
    private record PriceKey(PlanMonth month, String planId, CustomerTerms terms) {}

    /**
     * Bills a view ({@link #asOf}) already priced. A day close prices every plan for its bill
     * points and again for the hints, on the same view, which is thrown away after: the second
     * pricing was a third of the stage's CPU (JFR). Null in the ledger that keeps the books, whose
     * months change with every interval.
     */
    private Map<PriceKey, Priced> prices;

    /** The month to date under {@code plan}. */
    MonthUsage usage(PlanMonth pm, TariffPlan plan) {
        long[] md = maxDemand(pm);
        return pm.usage(plan, md[0], md[1], ytdBefore(pm));
    }

    /** The month to date carried to its end ({@link Projection}), from the days its usage spans. */
    MonthUsage projected(PlanMonth pm, TariffPlan plan, MonthUsage toDate) {
        if (toDate.coveredDays() == null || toDate.coveredDays().compareTo(pm.startDays()) <= 0) {
            return toDate;
        }
        DayProfile profile = profileOf(pm.yearMonth());
        return Projection.toMonthEnd(
                plan, toDate, pm.startDays(), toDate.coveredDays(), profile == null ? null : profile.perQuarter());
    }

    /** The latest month of {@code planId} that has usage. */
    /** This ledger's own month of {@code pm} (which may be a view's copy of it), or null when it is gone. */
    PlanMonth own(PlanMonth pm) {
        for (PlanMonth m : months) {
            if (m.planId.equals(pm.planId) && m.monthStart == pm.monthStart) {
                return m;
            }
        }
        return null;
    }

    PlanMonth latestMonth(String planId) {
        PlanMonth latest = null;
        for (PlanMonth pm : months) {
            if (pm.planId.equals(planId)
                    && pm.coveredUntil != Long.MIN_VALUE
                    && (latest == null || pm.monthStart > latest.monthStart)) {
                latest = pm;
            }
        }
        return latest;
    }

    // ------------------------------------------------------------------ demand warning

    /**
     * A counted reading of a demand-billed meter, with its meter's mean kW over the quarter so far:
     * the customer's current quarter heads for the sum of its meters' means. Returns {window start,
     * projected kW, minutes covered, 1 when the reading is its meter's first of the quarter here
     * (else 0)}, or null when the reading is not of the newest quarter.
     */
    double[] watch(BillingEvent e) {
        long window = e.time() - Math.floorMod(e.time(), Q);
        MeterWatch mine = null;
        for (MeterWatch w : watches) {
            if (w.meterId.equals(e.meterId())) {
                mine = w;
            }
        }
        if (mine == null) {
            mine = new MeterWatch();
            mine.meterId = e.meterId();
            mine.window = Long.MIN_VALUE;
            watches.add(mine);
        }
        if (window < mine.window) {
            return null; // a late reading of an earlier quarter: the intervals count it
        }
        boolean first = window > mine.window;
        if (first) {
            mine.window = window;
            mine.firstTs = e.time();
        }
        // The meter's mean so far, as its newest reading says (a ledger written before readings
        // carried it holds a sum and a count: the same mean, replaced at its next reading).
        mine.sumKw = e.kw();
        mine.count = 1;
        mine.lastTs = Math.max(mine.lastTs, e.time());
        double projected = 0;
        long covered = 0;
        for (MeterWatch w : watches) {
            if (w.window == window && w.count > 0) {
                projected += w.sumKw / w.count;
                covered = Math.max(covered, w.lastTs - window);
            }
        }
        return new double[] {window, projected, covered / 60_000.0, first ? 1 : 0};
    }

    /** Forgets watches of quarters that are over by {@code t}. */
    void expireWatches(long t) {
        watches.removeIf(w -> w.window + Q - 1 <= t);
    }

    private static int indexOf(String[] xs, String x) {
        for (int i = 0; i < xs.length; i++) {
            if (xs[i].equals(x)) {
                return i;
            }
        }
        return -1;
    }

    private static String[] append(String[] xs, String x) {
        String[] out = Arrays.copyOf(xs, xs.length + 1);
        out[xs.length] = x;
        return out;
    }
}

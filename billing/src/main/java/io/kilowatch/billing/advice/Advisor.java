package io.kilowatch.billing.advice;

import io.kilowatch.billing.Bill;
import io.kilowatch.billing.BillEngine;
import io.kilowatch.billing.MonthUsage;
import io.kilowatch.billing.Slice;
import io.kilowatch.model.tariff.BasicCharge;
import io.kilowatch.model.tariff.CustomerTerms;
import io.kilowatch.model.tariff.PlanCalendar;
import io.kilowatch.model.tariff.PlanVersion;
import io.kilowatch.model.tariff.PowerFactorRule;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The hints of docs/tariffs.md ("Hints"), each priced by the bill engine on the month projected
 * to its end, so a hint's saving is the difference of two bills computed by the same rules.
 * Pure: no state, no time, no I/O.
 */
public final class Advisor {
    private static final MathContext MC = MathContext.DECIMAL128;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private final Thresholds t;

    /**
     * @param minShare a switch or basis hint needs a saving of at least this share of the bill
     * @param minAmount and at least this many 元 (every hint but the warning)
     * @param peakShareFactor a load is peak-heavy when its energy share in the expensive periods
     *     is at least this many times their share of the month's time (a flat load's share)
     * @param targetPowerFactor what the power-factor hint proposes (0.95: the best discount band)
     * @param warningMinAmount a demand warning is sent when the new maximum would add at least this
     * @param warningMinRise and rise above the month's maximum by at least this share of it (a
     *     fraction of a kW above it is not news)
     */
    public record Thresholds(
            BigDecimal minShare,
            BigDecimal minAmount,
            BigDecimal peakShareFactor,
            BigDecimal targetPowerFactor,
            BigDecimal warningMinAmount,
            BigDecimal warningMinRise)
            implements java.io.Serializable {
        public static Thresholds defaults() {
            return new Thresholds(
                    new BigDecimal("0.02"),
                    new BigDecimal("5"),
                    new BigDecimal("1.4"),
                    new BigDecimal("0.95"),
                    new BigDecimal("10"),
                    new BigDecimal("0.05"));
        }
    }

    /** An option to compare: a plan, and the terms (basis) it would be on. */
    public record Option(TariffPlan plan, CustomerTerms terms) {}

    public Advisor(Thresholds thresholds) {
        this.t = thresholds;
    }

    // ------------------------------------------------------------------ switch plan

    /**
     * The cheapest option that beats the current plan by enough, on the month so far and as
     * projected. {@code mtd} and {@code projected} give each option's usage (each plan reads the
     * same intervals with its own calendar).
     */
    public Optional<Advice> switchPlan(
            Option current,
            Bill currentMtd,
            Bill currentProjected,
            List<Option> options,
            java.util.function.Function<Option, Bill[]> billsOf) {
        Advice best = null;
        for (Option o : options) {
            if (o.plan().id().equals(current.plan().id())
                    && o.terms().basis() == current.terms().basis()) {
                continue;
            }
            Bill[] b = billsOf.apply(o);
            BigDecimal saving = currentProjected.total().subtract(b[1].total());
            BigDecimal savingSoFar = currentMtd.total().subtract(b[0].total());
            if (!enough(saving, currentProjected.total()) || savingSoFar.signum() <= 0) {
                continue;
            }
            if (best == null || saving.compareTo(best.saving()) > 0) {
                String target = o.plan().id()
                        + (o.terms().basis() == null
                                ? ""
                                : "/" + o.terms().basis().id());
                Map<String, BigDecimal> f = new LinkedHashMap<>();
                f.put("saving_so_far", savingSoFar);
                f.put("saving_percent", percent(saving, currentProjected.total()));
                best = new Advice(
                        Advice.Kind.SWITCH_PLAN,
                        target,
                        currentProjected.total(),
                        b[1].total(),
                        saving,
                        f,
                        String.format(
                                "On %s%s this month's bill would be about %s 元 instead of %s 元 on %s (%s %%): %s 元 less; "
                                        + "%s 元 less already on the month so far. %s",
                                o.plan().name(),
                                o.terms().basis() == null
                                        ? ""
                                        : " (" + basisWords(o.terms().basis()) + ")",
                                money(b[1].total()),
                                money(currentProjected.total()),
                                current.plan().id(),
                                "-" + percent(saving, currentProjected.total()).toPlainString(),
                                money(saving),
                                money(savingSoFar),
                                constraint(current, o)));
            }
        }
        return Optional.ofNullable(best);
    }

    private static String constraint(Option from, Option to) {
        if (to.plan().versions().get(to.plan().versions().size() - 1).twoPart()
                || from.terms().basis() != to.terms().basis()) {
            return "A two-part basis is chosen for at least a quarter, with notice to the supplier.";
        }
        if ("residential".equals(to.terms().customerClass())
                || "prosumer".equals(to.terms().customerClass())) {
            return "A time-of-use choice may be locked for 12 months.";
        }
        return "Ask the supplier when the change can take effect.";
    }

    // ------------------------------------------------------------------ shift load

    /**
     * For a peak-heavy load: move {@code flexibleShare} of the energy in the expensive periods
     * (priced above the day's time-weighted average) to the cheapest period, and price it. A load
     * is peak-heavy when its share of energy in those periods, over the time the month to date
     * covers, is at least {@code peakShareFactor} times their share of that time.
     *
     * @param mtd the month to date; {@code coverage} the quarter-hours it covers
     * @param projected the month carried to its end: what the saving is priced on
     */
    public Optional<Advice> shiftLoad(
            TariffPlan plan,
            CustomerTerms terms,
            MonthUsage mtd,
            io.kilowatch.billing.Coverage coverage,
            MonthUsage projected,
            BigDecimal flexibleShare) {
        Slice last = projected.slices().get(projected.slices().size() - 1);
        PlanVersion v = plan.versions().get(last.version());
        PlanCalendar cal = v.calendar();
        if (cal.periods().size() < 2 || mtd.kwh().signum() <= 0) {
            return Optional.empty();
        }
        LocalDate day = last.from();
        boolean[] expensive = v.pricedAboveAverage(day);
        int cheapest = cheapest(v);
        BigDecimal expensiveKwh = BigDecimal.ZERO;
        long expensiveQuarters = 0;
        long allQuarters = 0;
        for (int s = 0; s < mtd.slices().size(); s++) {
            Slice slice = mtd.slices().get(s);
            boolean same =
                    plan.versions().get(slice.version()).calendar().periods().equals(cal.periods());
            for (int p = 0; p < slice.kwhByPeriod().size(); p++) {
                allQuarters += coverage.covered()[s][p];
                if (same && expensive[p]) {
                    expensiveKwh = expensiveKwh.add(slice.kwhByPeriod().get(p));
                    expensiveQuarters += coverage.covered()[s][p];
                }
            }
        }
        if (expensiveQuarters == 0 || expensiveKwh.signum() == 0) {
            return Optional.empty();
        }
        BigDecimal energyShare = expensiveKwh.divide(mtd.kwh(), MC);
        BigDecimal timeShare = BigDecimal.valueOf(expensiveQuarters).divide(BigDecimal.valueOf(allQuarters), MC);
        if (energyShare.divide(timeShare, MC).compareTo(t.peakShareFactor()) < 0) {
            return Optional.empty();
        }
        BigDecimal move = BigDecimal.ZERO;
        List<Slice> shifted = new ArrayList<>();
        for (Slice s : projected.slices()) {
            if (!plan.versions().get(s.version()).calendar().periods().equals(cal.periods())) {
                shifted.add(s);
                continue;
            }
            List<BigDecimal> kwh = new ArrayList<>(s.kwhByPeriod());
            BigDecimal moved = BigDecimal.ZERO;
            for (int p = 0; p < kwh.size(); p++) {
                if (expensive[p]) {
                    BigDecimal m = kwh.get(p).multiply(flexibleShare);
                    kwh.set(p, kwh.get(p).subtract(m));
                    moved = moved.add(m);
                }
            }
            kwh.set(cheapest, kwh.get(cheapest).add(moved));
            move = move.add(moved);
            shifted.add(new Slice(s.version(), s.from(), s.until(), kwh, s.kvarh()));
        }
        MonthUsage after = new MonthUsage(
                projected.month(),
                shifted,
                projected.maxDemandKw(),
                projected.maxDemandAt(),
                projected.ytdKwhBefore(),
                projected.coveredDays());
        BigDecimal before = BillEngine.price(plan, terms, projected).energyAmount();
        BigDecimal afterCost = BillEngine.price(plan, terms, after).energyAmount();
        BigDecimal saving = before.subtract(afterCost);
        if (saving.compareTo(t.minAmount()) < 0) {
            return Optional.empty();
        }
        Map<String, BigDecimal> f = new LinkedHashMap<>();
        f.put("kwh_to_move", move.setScale(1, RoundingMode.HALF_UP));
        f.put("flexible_share", flexibleShare);
        f.put("expensive_energy_share", energyShare.setScale(3, RoundingMode.HALF_UP));
        f.put("expensive_time_share", timeShare.setScale(3, RoundingMode.HALF_UP));
        String from = String.join(" and ", names(cal, expensive));
        String to = cal.periodName(cheapest);
        return Optional.of(new Advice(
                Advice.Kind.SHIFT_LOAD,
                to,
                before,
                afterCost,
                saving,
                f,
                String.format(
                        "%s %% of this month's energy falls in the %s hours, which are %s %% of the time. Moving %s kWh "
                                + "(%s %% of it) to the %s hours (%s) would cut the energy charges by about %s 元 this month.",
                        energyShare
                                .multiply(HUNDRED)
                                .setScale(0, RoundingMode.HALF_UP)
                                .toPlainString(),
                        from,
                        timeShare
                                .multiply(HUNDRED)
                                .setScale(0, RoundingMode.HALF_UP)
                                .toPlainString(),
                        grouped(move.setScale(0, RoundingMode.HALF_UP)),
                        flexibleShare.multiply(HUNDRED).stripTrailingZeros().toPlainString(),
                        to,
                        hours(cal.scheduleOf(day), cheapest),
                        money(saving))));
    }

    static int cheapest(PlanVersion v) {
        int best = 0;
        for (int p = 1; p < v.calendar().periods().size(); p++) {
            if (v.energy().priceOf(p).compareTo(v.energy().priceOf(best)) < 0) {
                best = p;
            }
        }
        return best;
    }

    // ------------------------------------------------------------------ basis

    /** A two-part customer on one basis whose pattern would be cheaper on another. */
    public Optional<Advice> basis(TariffPlan plan, CustomerTerms terms, MonthUsage projected) {
        PlanVersion v = plan.versions()
                .get(projected.slices().get(projected.slices().size() - 1).version());
        if (!v.twoPart() || terms.basis() == null || projected.maxDemandKw() == null) {
            return Optional.empty();
        }
        Bill now = BillEngine.price(plan, terms, projected);
        Advice best = null;
        for (BasicCharge.Basis b : BasicCharge.Basis.values()) {
            if (b == terms.basis()
                    || !v.basic().offers(b)
                    || (b == BasicCharge.Basis.CONTRACT && terms.contractKw() == null)) {
                continue;
            }
            Bill other = BillEngine.price(plan, terms.withBasis(b, terms.contractKw()), projected);
            BigDecimal saving = now.total().subtract(other.total());
            if (!enough(saving, now.total()) || (best != null && saving.compareTo(best.saving()) <= 0)) {
                continue;
            }
            Map<String, BigDecimal> f = new LinkedHashMap<>();
            f.put("basic_now", now.basicAmount());
            f.put("basic_alternative", other.basicAmount());
            f.put("max_demand_kw", projected.maxDemandKw().setScale(1, RoundingMode.HALF_UP));
            String breakEven = "";
            if (v.basic().capacityPricePerKva() != null && v.basic().demandPricePerKw() != null) {
                BigDecimal kw = terms.capacityKva()
                        .multiply(v.basic().capacityPricePerKva())
                        .divide(v.basic().demandPricePerKw(), 1, RoundingMode.HALF_UP);
                f.put("break_even_kw", kw);
                breakEven = String.format(
                        " The demand basis is the cheaper one while the maximum demand stays below %s kW "
                                + "(%s kVA × %s ÷ %s).",
                        kw.toPlainString(),
                        plain(terms.capacityKva()),
                        plain(v.basic().capacityPricePerKva()),
                        plain(v.basic().demandPricePerKw()));
            }
            best = new Advice(
                    Advice.Kind.BASIS,
                    b.id(),
                    now.total(),
                    other.total(),
                    saving,
                    f,
                    String.format(
                            "On %s the basic charge would be %s 元 instead of %s 元 on %s, this month's maximum demand being "
                                    + "%s kW (estimated from 15-minute blocks): %s 元 less.%s A basis is chosen for at least a quarter, "
                                    + "with notice to the supplier.",
                            basisWords(b),
                            money(other.basicAmount()),
                            money(now.basicAmount()),
                            basisWords(terms.basis()),
                            projected
                                    .maxDemandKw()
                                    .setScale(1, RoundingMode.HALF_UP)
                                    .toPlainString(),
                            money(saving),
                            breakEven));
        }
        return Optional.ofNullable(best);
    }

    // ------------------------------------------------------------------ power factor

    /** A month whose power factor is below the target: the surcharge avoided or the discount gained, and the capacitor it needs. */
    public Optional<Advice> powerFactor(TariffPlan plan, CustomerTerms terms, MonthUsage projected) {
        PlanVersion v = plan.versions()
                .get(projected.slices().get(projected.slices().size() - 1).version());
        PowerFactorRule rule = v.powerFactorFor(terms);
        BigDecimal kwh = projected.kwh();
        BigDecimal kvarh = projected.kvarh();
        if (rule == null || kvarh == null || kwh.signum() <= 0) {
            return Optional.empty();
        }
        BigDecimal pf = BillEngine.monthlyPowerFactor(kwh, kvarh);
        if (pf.compareTo(t.targetPowerFactor()) >= 0) {
            return Optional.empty();
        }
        BigDecimal tanNow = kvarh.divide(kwh, MC);
        BigDecimal tanTarget = tan(t.targetPowerFactor());
        // A little under the target's tangent, so the corrected month rounds to the target and not below it.
        BigDecimal ratio = tanTarget.multiply(new BigDecimal("0.999"));
        List<Slice> corrected = new ArrayList<>();
        for (Slice s : projected.slices()) {
            corrected.add(new Slice(
                    s.version(), s.from(), s.until(), s.kwhByPeriod(), s.kwh().multiply(ratio)));
        }
        MonthUsage after = new MonthUsage(
                projected.month(),
                corrected,
                projected.maxDemandKw(),
                projected.maxDemandAt(),
                projected.ytdKwhBefore(),
                projected.coveredDays());
        Bill now = BillEngine.price(plan, terms, projected);
        Bill then = BillEngine.price(plan, terms, after);
        BigDecimal saving = now.total().subtract(then.total());
        if (saving.compareTo(t.minAmount()) < 0) {
            return Optional.empty();
        }
        BigDecimal p =
                projected.maxDemandKw() != null && projected.maxDemandKw().signum() > 0
                        ? projected.maxDemandKw()
                        : kwh.divide(BigDecimal.valueOf(24L * projected.daysInMonth()), MC);
        BigDecimal kvar = p.multiply(tanNow.subtract(tanTarget)).setScale(0, RoundingMode.HALF_UP);
        BigDecimal pctNow = rule.percent(pf);
        BigDecimal pctThen = rule.percent(t.targetPowerFactor().setScale(2, RoundingMode.HALF_UP));
        Map<String, BigDecimal> f = new LinkedHashMap<>();
        f.put("power_factor", pf);
        f.put("target_power_factor", t.targetPowerFactor());
        f.put("adjustment_percent_now", pctNow);
        f.put("adjustment_percent_target", pctThen);
        f.put("capacitor_kvar", kvar);
        f.put("sizing_kw", p.setScale(1, RoundingMode.HALF_UP));
        return Optional.of(new Advice(
                Advice.Kind.POWER_FACTOR,
                t.targetPowerFactor().toPlainString(),
                now.total(),
                then.total(),
                saving,
                f,
                String.format(
                        "This month's power factor is %s against a standard of %s: %s. At %s it would be %s: about %s 元 less "
                                + "this month. A capacitor bank of about %s kvar would do it (Q = P·(tan φ₁ − tan φ₂) at %s kW).",
                        pf.toPlainString(),
                        rule.standard().toPlainString(),
                        adjustmentWords(pctNow),
                        t.targetPowerFactor().toPlainString(),
                        adjustmentWords(pctThen),
                        money(saving),
                        kvar.toPlainString(),
                        p.setScale(0, RoundingMode.HALF_UP).toPlainString())));
    }

    static BigDecimal tan(BigDecimal cos) {
        return BigDecimal.ONE.subtract(cos.multiply(cos)).sqrt(MC).divide(cos, MC);
    }

    // ------------------------------------------------------------------ demand warning

    /**
     * The current 15-minute window is on course to set a new monthly maximum: what it would add
     * to the basic charge. Worth nothing on the capacity basis (then no warning); on the contract
     * basis only the kW above the band count, at the excess price.
     *
     * @param monthMaxKw the month's maximum so far, before this window
     * @param projectedKw where this window is heading (the mean of its readings so far)
     */
    /**
     * {@link #demandWarning}'s first test (a rise of at least {@code warningMinRise} over the
     * month's maximum) in doubles, with a margin for their rounding: false only where the warning
     * is certainly none. Most readings head for no new maximum; this answers them without the
     * local time, the message or decimals.
     */
    public boolean mayWarn(double monthMaxKw, double projectedKw) {
        return projectedKw >= monthMaxKw * (1 + t.warningMinRise().doubleValue()) * (1 - 1e-9);
    }

    public Optional<Advice> demandWarning(
            TariffPlan plan,
            CustomerTerms terms,
            LocalDate day,
            BigDecimal monthMaxKw,
            BigDecimal projectedKw,
            String windowLocalTime) {
        PlanVersion v = plan.versionOn(day);
        if (v == null || !v.twoPart() || terms.basis() == null || terms.basis() == BasicCharge.Basis.CAPACITY) {
            return Optional.empty();
        }
        BigDecimal price = v.basic().demandPricePerKw();
        BigDecimal kwAdded;
        BigDecimal unitPrice;
        if (terms.basis() == BasicCharge.Basis.DEMAND) {
            kwAdded = projectedKw.subtract(monthMaxKw);
            unitPrice = price;
        } else {
            BigDecimal contract =
                    terms.contractKw().max(v.basic().contractFloor().multiply(terms.capacityKva()));
            BigDecimal band = v.basic().contractBand().multiply(contract);
            kwAdded = projectedKw.subtract(band.max(monthMaxKw));
            unitPrice = price.multiply(v.basic().excessFactor());
        }
        if (kwAdded.signum() <= 0
                || projectedKw.compareTo(monthMaxKw.multiply(BigDecimal.ONE.add(t.warningMinRise()))) < 0) {
            return Optional.empty();
        }
        BigDecimal added = BillEngine.fen(kwAdded.multiply(unitPrice));
        if (added.compareTo(t.warningMinAmount()) < 0) {
            return Optional.empty();
        }
        Map<String, BigDecimal> f = new LinkedHashMap<>();
        f.put("projected_kw", projectedKw.setScale(1, RoundingMode.HALF_UP));
        f.put("month_max_kw", monthMaxKw.setScale(1, RoundingMode.HALF_UP));
        f.put("kw_added", kwAdded.setScale(1, RoundingMode.HALF_UP));
        f.put("price_per_kw", unitPrice);
        return Optional.of(new Advice(
                Advice.Kind.DEMAND_WARNING,
                terms.basis().id(),
                null,
                null,
                added,
                f,
                String.format(
                        "Your load is on course to set a new maximum demand this month: %s kW in the 15 minutes from %s, "
                                + "against %s kW so far this month. If it holds, the basic charge rises by about %s 元 (%s kW × %s 元/kW%s). "
                                + "Shedding load before the quarter-hour ends avoids it.",
                        projectedKw.setScale(1, RoundingMode.HALF_UP).toPlainString(),
                        windowLocalTime,
                        monthMaxKw.setScale(1, RoundingMode.HALF_UP).toPlainString(),
                        money(added),
                        kwAdded.setScale(1, RoundingMode.HALF_UP).toPlainString(),
                        plain(unitPrice),
                        terms.basis() == BasicCharge.Basis.CONTRACT ? ", the price above the contract band" : "")));
    }

    // ------------------------------------------------------------------ words

    private boolean enough(BigDecimal saving, BigDecimal of) {
        return saving.compareTo(t.minAmount()) >= 0 && saving.compareTo(of.multiply(t.minShare())) >= 0;
    }

    private static BigDecimal percent(BigDecimal part, BigDecimal of) {
        return of.signum() == 0 ? BigDecimal.ZERO : part.multiply(HUNDRED).divide(of, 1, RoundingMode.HALF_UP);
    }

    static String money(BigDecimal amount) {
        return String.format("%,.2f", amount.setScale(2, RoundingMode.HALF_UP));
    }

    private static String grouped(BigDecimal v) {
        return String.format("%,d", v.longValueExact());
    }

    private static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }

    private static String basisWords(BasicCharge.Basis b) {
        return switch (b) {
            case CAPACITY -> "the capacity basis";
            case DEMAND -> "the maximum-demand basis";
            case CONTRACT -> "the contract-demand basis";
        };
    }

    private static String adjustmentWords(BigDecimal pct) {
        return pct.signum() == 0
                ? "no adjustment"
                : pct.signum() > 0
                        ? "a surcharge of " + pct.stripTrailingZeros().toPlainString() + " %"
                        : "a discount of " + pct.negate().stripTrailingZeros().toPlainString() + " %";
    }

    private static List<String> names(PlanCalendar cal, boolean[] which) {
        List<String> out = new ArrayList<>();
        for (int p = 0; p < which.length; p++) {
            if (which[p]) {
                out.add(cal.periodName(p));
            }
        }
        return out;
    }

    /** The hours of {@code period} in a day schedule, as "00:00–06:00, 12:00–14:00"; a range across midnight as "22:00–08:00". */
    static String hours(byte[] day, int period) {
        List<int[]> ranges = new ArrayList<>();
        int q = 0;
        while (q < day.length) {
            if (day[q] == period) {
                int start = q;
                while (q < day.length && day[q] == period) {
                    q++;
                }
                ranges.add(new int[] {start, q});
            } else {
                q++;
            }
        }
        if (ranges.size() > 1 && ranges.get(0)[0] == 0 && ranges.get(ranges.size() - 1)[1] == day.length) {
            int[] last = ranges.remove(ranges.size() - 1);
            ranges.set(0, new int[] {last[0], ranges.get(0)[1]});
            ranges.add(ranges.remove(0)); // the evening range comes last, as a day reads
        }
        List<String> out = new ArrayList<>();
        for (int[] r : ranges) {
            out.add(hhmm(r[0]) + "–" + hhmm(r[1] % day.length));
        }
        return String.join(", ", out);
    }

    private static String hhmm(int quarter) {
        return String.format("%02d:%02d", quarter / 4, quarter % 4 * 15);
    }
}

package io.kilowatch.billing;

import io.kilowatch.billing.BillLine.Charge;
import io.kilowatch.model.tariff.BasicCharge;
import io.kilowatch.model.tariff.CustomerTerms;
import io.kilowatch.model.tariff.FixedCharge;
import io.kilowatch.model.tariff.PlanVersion;
import io.kilowatch.model.tariff.PowerFactorRule;
import io.kilowatch.model.tariff.TariffPlan;
import io.kilowatch.model.tariff.Tiers;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Prices one customer-month of usage under one plan, with exact decimal arithmetic and exactly
 * the conventions of shared/TARIFFS.md (docs/tariffs.md says each with its formula):
 * <ul>
 *   <li>each line is rounded half-up to the fen; the total is the sum of the rounded lines;</li>
 *   <li>energy per (version, period) at the period's price, then a tier surcharge line per block
 *       (the kWh of the block × its increment), the kWh allocated to blocks in time order;</li>
 *   <li>monthly amounts (basic charge, monthly fixed charges, the minimum) of a version in force
 *       part of the month are shared by its days; daily charges are times its real days;</li>
 *   <li>the monthly power factor is kWh / √(kWh² + kvarh²), half-up to 2 decimals; the adjustment
 *       is round(base × table %), base = basic + energy + tier lines − government funds (a memo
 *       line of its own, rounded to the fen).</li>
 * </ul>
 * Stateless and thread-safe.
 */
public final class BillEngine {
    private static final MathContext MC = MathContext.DECIMAL128;
    private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

    private BillEngine() {}

    public static BigDecimal fen(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.HALF_UP);
    }

    /** The month's power factor, half-up to 2 decimals; null when there is no active energy to judge it by. */
    public static BigDecimal monthlyPowerFactor(BigDecimal kwh, BigDecimal kvarh) {
        if (kwh.signum() <= 0) {
            return null;
        }
        BigDecimal apparent = kwh.multiply(kwh).add(kvarh.multiply(kvarh)).sqrt(MC);
        return kwh.divide(apparent, MC).setScale(2, RoundingMode.HALF_UP);
    }

    public static Bill price(TariffPlan plan, CustomerTerms terms, MonthUsage usage) {
        PlanVersion any = plan.versions().get(usage.slices().get(0).version());
        // Loops, not streams: the tariff stage prices tens of thousands of bills a replay, and these
        // three stream pipelines were a tenth of its allocation (JFR).
        boolean twoPart = false;
        boolean needsPf = false;
        boolean reactivePriced = false;
        for (int i = 0; i < usage.slices().size(); i++) {
            PlanVersion v = plan.versions().get(usage.slices().get(i).version());
            twoPart |= v.twoPart();
            needsPf |= v.powerFactorFor(terms) != null;
            reactivePriced |= v.reactive() != null;
        }
        if (twoPart) {
            requireBasis(plan, terms, usage);
        }
        BigDecimal monthKwh = usage.kwh();
        BigDecimal monthKvarh = usage.kvarh();
        boolean needsKvarh = needsPf || reactivePriced;
        if (needsKvarh && monthKvarh == null) {
            throw new BillException(
                    "plan " + plan.id() + " prices reactive energy for this customer, but the usage has no kvarh");
        }
        BigDecimal pf = needsPf ? monthlyPowerFactor(monthKwh, monthKvarh) : null;
        int days = usage.daysInMonth();

        List<BillLine> lines = new ArrayList<>();
        BigDecimal cumulative =
                any.tiers() != null && any.tiers().basis() == Tiers.Basis.ANNUAL && usage.ytdKwhBefore() != null
                        ? usage.ytdKwhBefore()
                        : BigDecimal.ZERO;
        BigDecimal minimum = BigDecimal.ZERO;
        boolean hasMinimum = false;
        for (Slice s : usage.slices()) {
            PlanVersion v = plan.versions().get(s.version());
            String share = s.days() == days ? null : s.days() + "/" + days;
            int first = lines.size();
            energyLines(v, s, lines);
            cumulative = tierLines(v, s, cumulative, lines);
            basicLines(v, s, share, days, terms, usage, lines);
            BigDecimal energyAndBasic = sum(lines.subList(first, lines.size()));
            BigDecimal funds = BigDecimal.ZERO;
            if (v.governmentFundsPerKwh() != null && s.kwh().signum() > 0) {
                funds = fen(s.kwh().multiply(v.governmentFundsPerKwh()));
                lines.add(new BillLine(
                        Charge.GOVERNMENT_FUNDS,
                        null,
                        null,
                        v.effectiveFrom(),
                        s.kwh(),
                        "kWh",
                        v.governmentFundsPerKwh(),
                        null,
                        funds,
                        true,
                        "inside the energy prices; left out of the power-factor base"));
            }
            PowerFactorRule rule = v.powerFactorFor(terms);
            if (rule != null && pf != null) {
                BigDecimal percent = rule.percent(pf);
                BigDecimal base = energyAndBasic.subtract(funds);
                lines.add(new BillLine(
                        Charge.POWER_FACTOR,
                        null,
                        null,
                        v.effectiveFrom(),
                        base,
                        "元 base",
                        percent.divide(HUNDRED),
                        null,
                        fen(base.multiply(percent).divide(HUNDRED)),
                        false,
                        "power factor " + pf.toPlainString() + " against "
                                + rule.standard().toPlainString() + ": " + (percent.signum() > 0 ? "+" : "")
                                + percent.toPlainString() + " %"));
            }
            if (v.reactive() != null && s.kvarh() != null) {
                BigDecimal free = s.kwh().multiply(v.reactive().freeKvarhPerKwh());
                BigDecimal charged = s.kvarh().subtract(free).max(BigDecimal.ZERO);
                lines.add(new BillLine(
                        Charge.REACTIVE,
                        null,
                        null,
                        v.effectiveFrom(),
                        charged,
                        "kvarh",
                        v.reactive().pricePerKvarh(),
                        null,
                        fen(charged.multiply(v.reactive().pricePerKvarh())),
                        false,
                        v.reactive().freeKvarhPerKwh().signum() > 0
                                ? "kvarh above "
                                        + v.reactive().freeKvarhPerKwh().toPlainString() + " per kWh"
                                : null));
            }
            for (FixedCharge f : v.fixed()) {
                if (f.perDay() != null) {
                    lines.add(new BillLine(
                            Charge.FIXED,
                            null,
                            null,
                            v.effectiveFrom(),
                            BigDecimal.valueOf(s.days()),
                            "days",
                            f.perDay(),
                            null,
                            fen(f.perDay().multiply(BigDecimal.valueOf(s.days()))),
                            false,
                            f.name()));
                } else {
                    lines.add(new BillLine(
                            Charge.FIXED,
                            null,
                            null,
                            v.effectiveFrom(),
                            BigDecimal.ONE,
                            "month",
                            f.perMonth(),
                            share,
                            fen(prorate(f.perMonth(), s.days(), days)),
                            false,
                            f.name()));
                }
            }
            if (v.minimumPerMonth() != null) {
                hasMinimum = true;
                minimum = minimum.add(prorate(v.minimumPerMonth(), s.days(), days));
            }
        }
        BigDecimal total = sum(lines);
        if (hasMinimum && total.compareTo(fen(minimum)) < 0) {
            BigDecimal topUp = fen(minimum).subtract(total);
            lines.add(new BillLine(
                    Charge.MINIMUM_TOP_UP,
                    null,
                    null,
                    null,
                    BigDecimal.ONE,
                    "month",
                    fen(minimum),
                    null,
                    topUp,
                    false,
                    "the bill is at least the minimum charge"));
            total = total.add(topUp);
        }
        return new Bill(
                plan.id(),
                plan.name(),
                plan.illustrative(),
                usage.month(),
                terms,
                lines,
                total,
                monthKwh,
                monthKvarh,
                pf,
                usage.maxDemandKw(),
                usage.maxDemandAt(),
                usage.coveredDays());
    }

    private static void energyLines(PlanVersion v, Slice s, List<BillLine> lines) {
        for (int p = 0; p < s.kwhByPeriod().size(); p++) {
            BigDecimal q = s.kwhByPeriod().get(p);
            if (q.signum() != 0) {
                BigDecimal price = v.energy().priceOf(p);
                lines.add(new BillLine(
                        Charge.ENERGY,
                        v.calendar().periodName(p),
                        null,
                        v.effectiveFrom(),
                        q,
                        "kWh",
                        price,
                        null,
                        fen(q.multiply(price)),
                        false,
                        null));
            }
        }
    }

    /** The slice's kWh occupy the cumulative range [from, from + kWh): each block's part pays its increment. */
    private static BigDecimal tierLines(PlanVersion v, Slice s, BigDecimal from, List<BillLine> lines) {
        BigDecimal to = from.add(s.kwh());
        Tiers t = v.tiers();
        if (t == null) {
            return to;
        }
        for (int i = 0; i < t.blocks().size(); i++) {
            BigDecimal inc = t.blocks().get(i).increment();
            BigDecimal q = t.inBlock(i, from, to);
            if (inc.signum() != 0 && q.signum() > 0) {
                lines.add(new BillLine(
                        Charge.TIER_SURCHARGE,
                        null,
                        i + 1,
                        v.effectiveFrom(),
                        q,
                        "kWh",
                        inc,
                        null,
                        fen(q.multiply(inc)),
                        false,
                        (t.basis() == Tiers.Basis.ANNUAL ? "year" : "month") + " to date above "
                                + t.lowerOf(i).toPlainString() + " kWh"));
            }
        }
        return to;
    }

    private static void basicLines(
            PlanVersion v, Slice s, String share, int days, CustomerTerms c, MonthUsage u, List<BillLine> lines) {
        BasicCharge b = v.basic();
        if (b == null) {
            return;
        }
        LineMaker line = (charge, qty, unit, price, note) -> lines.add(new BillLine(
                charge,
                null,
                null,
                v.effectiveFrom(),
                qty,
                unit,
                price,
                share,
                fen(prorate(qty.multiply(price), s.days(), days)),
                false,
                note));
        switch (c.basis()) {
            case CAPACITY -> line.add(Charge.BASIC_CAPACITY, c.capacityKva(), "kVA", b.capacityPricePerKva(), null);
            case DEMAND ->
                line.add(
                        Charge.BASIC_DEMAND,
                        u.maxDemandKw(),
                        "kW",
                        b.demandPricePerKw(),
                        "highest 15-minute average (estimated from 15-minute blocks)");
            case CONTRACT -> {
                BigDecimal floor = b.contractFloor().multiply(c.capacityKva());
                BigDecimal contract = c.contractKw().max(floor);
                line.add(
                        Charge.BASIC_CONTRACT,
                        contract,
                        "kW",
                        b.demandPricePerKw(),
                        contract.compareTo(c.contractKw()) > 0
                                ? "contract raised to "
                                        + b.contractFloor()
                                                .movePointRight(2)
                                                .stripTrailingZeros()
                                                .toPlainString() + " % of "
                                        + c.capacityKva().stripTrailingZeros().toPlainString() + " kVA"
                                : null);
                BigDecimal band = b.contractBand().multiply(contract);
                if (u.maxDemandKw().compareTo(band) > 0) {
                    line.add(
                            Charge.BASIC_CONTRACT_EXCESS,
                            u.maxDemandKw().subtract(band),
                            "kW",
                            b.excessFactor().multiply(b.demandPricePerKw()),
                            "maximum demand "
                                    + u.maxDemandKw().stripTrailingZeros().toPlainString() + " kW above "
                                    + band.stripTrailingZeros().toPlainString() + " kW ("
                                    + b.contractBand()
                                            .movePointRight(2)
                                            .stripTrailingZeros()
                                            .toPlainString() + " % of the contract)");
                }
            }
        }
    }

    @FunctionalInterface
    private interface LineMaker {
        void add(Charge charge, BigDecimal qty, String unit, BigDecimal price, String note);
    }

    private static void requireBasis(TariffPlan plan, CustomerTerms c, MonthUsage u) {
        if (c.basis() == null) {
            throw new BillException("plan " + plan.id()
                    + " is two-part: the customer needs a billing basis (capacity, demand or contract)");
        }
        for (Slice s : u.slices()) {
            BasicCharge b = plan.versions().get(s.version()).basic();
            if (b != null && !b.offers(c.basis())) {
                throw new BillException(
                        "plan " + plan.id() + " has no " + c.basis().id() + " basis");
            }
        }
        if (c.basis() == BasicCharge.Basis.CAPACITY && c.capacityKva() == null) {
            throw new BillException("the capacity basis needs the customer's installed capacity (kVA)");
        }
        if (c.basis() != BasicCharge.Basis.CAPACITY && u.maxDemandKw() == null) {
            throw new BillException(
                    "the " + c.basis().id() + " basis needs the month's maximum 15-minute demand (maxDemandKw)");
        }
        if (c.basis() == BasicCharge.Basis.CONTRACT && c.contractKw() == null) {
            throw new BillException("the contract basis needs the customer's contract demand (contractKw)");
        }
    }

    /** {@code amount} × days / daysInMonth, exact to 34 digits; the caller rounds the line. */
    static BigDecimal prorate(BigDecimal amount, int days, int daysInMonth) {
        return days == daysInMonth
                ? amount
                : amount.multiply(BigDecimal.valueOf(days)).divide(BigDecimal.valueOf(daysInMonth), MC);
    }

    private static BigDecimal sum(List<BillLine> lines) {
        BigDecimal t = BigDecimal.ZERO;
        for (BillLine l : lines) {
            if (!l.memo()) {
                t = t.add(l.amount());
            }
        }
        return t;
    }
}

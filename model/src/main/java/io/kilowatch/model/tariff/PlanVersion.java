package io.kilowatch.model.tariff;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;

/**
 * A plan as it stands from {@code effectiveFrom} (a local date in the plan's zone) until the next
 * version's date. A month that crosses a change is billed by the days: each version prices the
 * energy of its own days, and monthly amounts are shared by days in force.
 *
 * @param tiers null when the plan has none
 * @param basic null for a single-part plan
 * @param powerFactor the power-factor adjustment rules, the first that applies to a customer wins; empty for none
 * @param reactive null when the plan has no kvarh price
 * @param minimumPerMonth null when the plan has no minimum charge
 * @param governmentFundsPerKwh the part of each energy price that is government funds (left out of
 *     the power-factor base); null when none is stated
 */
public record PlanVersion(
        LocalDate effectiveFrom,
        PlanCalendar calendar,
        EnergyPrices energy,
        Tiers tiers,
        BasicCharge basic,
        List<PowerFactorRule> powerFactor,
        ReactiveCharge reactive,
        List<FixedCharge> fixed,
        BigDecimal minimumPerMonth,
        BigDecimal governmentFundsPerKwh)
        implements Serializable {

    public PlanVersion {
        fixed = List.copyOf(fixed);
        powerFactor = List.copyOf(powerFactor);
    }

    /** The power-factor rule for {@code c}, or null when none applies. */
    public PowerFactorRule powerFactorFor(CustomerTerms c) {
        for (PowerFactorRule r : powerFactor) {
            if (r.appliesTo(c)) {
                return r;
            }
        }
        return null;
    }

    public boolean twoPart() {
        return basic != null;
    }

    /**
     * The expensive periods of local date {@code day}: those priced above the day's time-weighted
     * average price (critical and peak in a four-period plan; peak in a two-period one; none
     * when the day has one price). What "peak-heavy" and "shift load" mean.
     */
    public boolean[] pricedAboveAverage(java.time.LocalDate day) {
        byte[] schedule = calendar.scheduleOf(day);
        BigDecimal sum = BigDecimal.ZERO;
        for (byte p : schedule) {
            sum = sum.add(energy.priceOf(p));
        }
        BigDecimal avg = sum.divide(BigDecimal.valueOf(schedule.length), java.math.MathContext.DECIMAL128);
        boolean[] out = new boolean[calendar.periods().size()];
        for (int p = 0; p < out.length; p++) {
            out[p] = energy.priceOf(p).compareTo(avg) > 0;
        }
        return out;
    }
}

package io.kilowatch.billing;

import io.kilowatch.model.tariff.PlanCalendar;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The month to date carried to the month's end (docs/tariffs.md, "Projection"): each period's
 * average energy per day over the days covered so far is added for every day still to come, in
 * the version slice that day belongs to; reactive energy grows with energy; the maximum demand
 * is the highest so far (a projection does not guess a new peak); fixed and basic charges are
 * the month's in both. Priced by the same engine, so a projection and a bill never disagree on
 * a rule.
 */
public final class Projection {
    private static final MathContext MC = MathContext.DECIMAL128;

    private Projection() {}

    /**
     * @param coveredDays days from the month's start that the usage covers (> 0); at or past the
     *     month's length the usage is returned as the whole month
     */
    public static MonthUsage toMonthEnd(TariffPlan plan, MonthUsage mtd, BigDecimal coveredDays) {
        return toMonthEnd(plan, mtd, BigDecimal.ZERO, coveredDays);
    }

    /**
     * A month whose usage starts {@code startDays} after its start (a customer or meter that came
     * in mid-month): the rate is measured over the days the usage spans, and only the days after
     * it are projected (the days before it are not guessed).
     */
    public static MonthUsage toMonthEnd(TariffPlan plan, MonthUsage mtd, BigDecimal startDays, BigDecimal coveredDays) {
        BigDecimal days = BigDecimal.valueOf(mtd.daysInMonth());
        if (coveredDays.compareTo(days) >= 0) {
            return new MonthUsage(mtd.month(), mtd.slices(), mtd.maxDemandKw(), mtd.maxDemandAt(), mtd.ytdKwhBefore(), null);
        }
        BigDecimal span = coveredDays.subtract(startDays);
        if (span.signum() <= 0) {
            throw new IllegalArgumentException("a projection needs some covered time, got " + span + " days");
        }
        Map<String, BigDecimal> perDay = new HashMap<>();
        for (Slice s : mtd.slices()) {
            PlanCalendar cal = plan.versions().get(s.version()).calendar();
            for (int p = 0; p < s.kwhByPeriod().size(); p++) {
                perDay.merge(cal.periodName(p), s.kwhByPeriod().get(p).divide(span, MC), BigDecimal::add);
            }
        }
        BigDecimal kwh = mtd.kwh();
        BigDecimal kvarh = mtd.kvarh();
        List<Slice> out = new ArrayList<>();
        BigDecimal projectedKwh = BigDecimal.ZERO;
        for (Slice s : mtd.slices()) {
            BigDecimal start = BigDecimal.valueOf(s.from().getDayOfMonth() - 1L);
            BigDecimal covered = coveredDays.subtract(start).max(BigDecimal.ZERO).min(BigDecimal.valueOf(s.days()));
            BigDecimal remaining = BigDecimal.valueOf(s.days()).subtract(covered);
            PlanCalendar cal = plan.versions().get(s.version()).calendar();
            List<BigDecimal> add = dailyOf(cal, perDay, s);
            List<BigDecimal> projected = new ArrayList<>();
            for (int p = 0; p < s.kwhByPeriod().size(); p++) {
                projected.add(s.kwhByPeriod().get(p).add(add.get(p).multiply(remaining)));
            }
            Slice next = new Slice(s.version(), s.from(), s.until(), projected, null);
            projectedKwh = projectedKwh.add(next.kwh());
            out.add(next);
        }
        if (kvarh != null) {
            BigDecimal ratio = kwh.signum() > 0 ? kvarh.divide(kwh, MC) : BigDecimal.ZERO;
            List<Slice> withKvarh = new ArrayList<>();
            for (Slice s : out) {
                withKvarh.add(new Slice(s.version(), s.from(), s.until(), s.kwhByPeriod(), s.kwh().multiply(ratio)));
            }
            out = withKvarh;
        }
        return new MonthUsage(mtd.month(), out, mtd.maxDemandKw(), mtd.maxDemandAt(), mtd.ytdKwhBefore(), null);
    }

    /**
     * The energy per day the slice's periods get: by period name; a version whose periods have
     * other names gets the day's total spread by how many quarter-hours each period has in a day.
     */
    private static List<BigDecimal> dailyOf(PlanCalendar cal, Map<String, BigDecimal> perDay, Slice s) {
        List<BigDecimal> out = new ArrayList<>();
        boolean named = cal.periods().stream().allMatch(perDay::containsKey) && cal.periods().size() == perDay.size();
        if (named) {
            for (String p : cal.periods()) {
                out.add(perDay.get(p));
            }
            return out;
        }
        BigDecimal total = perDay.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        byte[] day = cal.scheduleOf(s.from());
        for (int p = 0; p < cal.periods().size(); p++) {
            int quarters = 0;
            for (byte q : day) {
                quarters += q == p ? 1 : 0;
            }
            out.add(total.multiply(BigDecimal.valueOf(quarters)).divide(BigDecimal.valueOf(PlanCalendar.QUARTERS), MC));
        }
        return out;
    }
}

package io.kilowatch.billing;

import io.kilowatch.model.tariff.PlanCalendar;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The month to date carried to the month's end (docs/tariffs.md, "Projection"): each period's
 * average power over the quarter-hours of it that the usage covers is carried over the
 * quarter-hours of it still to come, in the version slice they belong to (by period name; a
 * period never covered yet takes the month's average power so far); reactive energy grows with
 * energy; the maximum demand is the highest so far (a projection does not guess a new peak);
 * fixed and basic charges are the month's in both. Priced by the same engine, so a projection and
 * a bill never disagree on a rule. Per period rather than per day, so a first day seen from
 * 08:00 does not make the night look empty.
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
     * in mid-month): averages are over the time the usage spans, and only the time after it is
     * projected (the days before it are not guessed).
     */
    public static MonthUsage toMonthEnd(TariffPlan plan, MonthUsage mtd, BigDecimal startDays, BigDecimal coveredDays) {
        return toMonthEnd(plan, mtd, startDays, coveredDays, null);
    }

    /**
     * The same, carrying forward the customer's own day profile instead of each period's average:
     * {@code kwhPerQuarterByHour[h]} is its average energy per quarter-hour in local hour {@code h}
     * (NaN for an hour not seen yet: the average of the hours seen). Every plan priced with the
     * same profile projects the same energy, so plans compare on the same month; a plan's own
     * periods would each average over different hours.
     */
    public static MonthUsage toMonthEnd(
            TariffPlan plan,
            MonthUsage mtd,
            BigDecimal startDays,
            BigDecimal coveredDays,
            double[] kwhPerQuarterByHour) {
        if (coveredDays.compareTo(BigDecimal.valueOf(mtd.daysInMonth())) >= 0) {
            return new MonthUsage(
                    mtd.month(), mtd.slices(), mtd.maxDemandKw(), mtd.maxDemandAt(), mtd.ytdKwhBefore(), null);
        }
        // With a profile, what is still to come is the profile's and only the covered total is
        // asked of the coverage: counting every period's quarter-hours would be wasted.
        Coverage c = kwhPerQuarterByHour == null ? Coverage.of(plan, mtd, startDays, coveredDays) : null;
        int coveredQuarters = c != null
                ? c.coveredTotal()
                : Math.max(0, Coverage.quarters(coveredDays) - Coverage.quarters(startDays));
        if (coveredQuarters == 0) {
            throw new IllegalArgumentException(
                    "a projection needs some covered time, got " + coveredDays.subtract(startDays) + " days");
        }
        Map<String, BigDecimal> kwhOf = new HashMap<>();
        Map<String, Integer> quartersOf = new HashMap<>();
        BigDecimal all = BigDecimal.ZERO;
        for (int s = 0; s < mtd.slices().size(); s++) {
            Slice slice = mtd.slices().get(s);
            PlanCalendar cal = plan.versions().get(slice.version()).calendar();
            for (int p = 0; p < slice.kwhByPeriod().size(); p++) {
                if (c != null) {
                    kwhOf.merge(cal.periodName(p), slice.kwhByPeriod().get(p), BigDecimal::add);
                    quartersOf.merge(cal.periodName(p), c.covered()[s][p], Integer::sum);
                }
                all = all.add(slice.kwhByPeriod().get(p));
            }
        }
        BigDecimal average = c == null ? null : all.divide(BigDecimal.valueOf(coveredQuarters), MC);
        BigDecimal[][] toCome =
                kwhPerQuarterByHour == null ? null : byProfile(plan, mtd, coveredDays, kwhPerQuarterByHour);
        List<Slice> out = new ArrayList<>();
        for (int s = 0; s < mtd.slices().size(); s++) {
            Slice slice = mtd.slices().get(s);
            PlanCalendar cal = plan.versions().get(slice.version()).calendar();
            List<BigDecimal> projected = new ArrayList<>();
            for (int p = 0; p < slice.kwhByPeriod().size(); p++) {
                BigDecimal more;
                if (toCome != null) {
                    more = toCome[s][p];
                } else {
                    String name = cal.periodName(p);
                    int seen = quartersOf.getOrDefault(name, 0);
                    BigDecimal perQuarter = seen > 0 ? kwhOf.get(name).divide(BigDecimal.valueOf(seen), MC) : average;
                    more = perQuarter.multiply(BigDecimal.valueOf(c.remaining()[s][p]));
                }
                // an estimate, kept to the micro-kWh like every quantity of the stage
                projected.add(slice.kwhByPeriod().get(p).add(more).setScale(6, java.math.RoundingMode.HALF_UP));
            }
            out.add(new Slice(slice.version(), slice.from(), slice.until(), projected, null));
        }
        BigDecimal kvarh = mtd.kvarh();
        if (kvarh != null) {
            BigDecimal ratio = all.signum() > 0 ? kvarh.divide(all, MC) : BigDecimal.ZERO;
            List<Slice> withKvarh = new ArrayList<>();
            for (Slice s : out) {
                withKvarh.add(new Slice(
                        s.version(),
                        s.from(),
                        s.until(),
                        s.kwhByPeriod(),
                        s.kwh().multiply(ratio).setScale(6, java.math.RoundingMode.HALF_UP)));
            }
            out = withKvarh;
        }
        return new MonthUsage(mtd.month(), out, mtd.maxDemandKw(), mtd.maxDemandAt(), mtd.ytdKwhBefore(), null);
    }

    /** The energy still to come in each (slice, period): each remaining quarter-hour at its hour's profile. */
    private static BigDecimal[][] byProfile(TariffPlan plan, MonthUsage mtd, BigDecimal coveredDays, double[] perHour) {
        double sum = 0;
        int known = 0;
        for (double v : perHour) {
            if (!Double.isNaN(v)) {
                sum += v;
                known++;
            }
        }
        double fallback = known == 0 ? 0 : sum / known;
        int from = coveredDays
                .multiply(BigDecimal.valueOf(PlanCalendar.QUARTERS))
                .setScale(0, java.math.RoundingMode.HALF_UP)
                .intValueExact();
        double[] kwhOfHour = new double[perHour.length];
        for (int h = 0; h < perHour.length; h++) {
            kwhOfHour[h] = Double.isNaN(perHour[h]) ? fallback : perHour[h];
        }
        BigDecimal[][] out = new BigDecimal[mtd.slices().size()][];
        // A month has a handful of distinct day schedules: a whole day of each is summed once.
        for (int s = 0; s < mtd.slices().size(); s++) {
            Slice slice = mtd.slices().get(s);
            PlanCalendar cal = plan.versions().get(slice.version()).calendar();
            Map<byte[], double[]> wholeDay = new IdentityHashMap<>();
            double[] more = new double[cal.periods().size()];
            for (java.time.LocalDate d = slice.from(); d.isBefore(slice.until()); d = d.plusDays(1)) {
                byte[] day = cal.scheduleOf(d);
                int base = (d.getDayOfMonth() - 1) * PlanCalendar.QUARTERS;
                if (base >= from) {
                    double[] whole = wholeDay.get(day);
                    if (whole == null) { // not computeIfAbsent: its capturing lambda was made a day
                        whole = dayEnergy(day, more.length, kwhOfHour);
                        wholeDay.put(day, whole);
                    }
                    for (int p = 0; p < more.length; p++) {
                        more[p] += whole[p];
                    }
                    continue;
                }
                for (int q = Math.max(0, from - base); q < day.length; q++) {
                    more[day[q]] += kwhOfHour[q / 4];
                }
            }
            out[s] = new BigDecimal[more.length];
            for (int p = 0; p < more.length; p++) {
                out[s][p] = BigDecimal.valueOf(more[p]);
            }
        }
        return out;
    }

    /** The energy of one whole day of schedule {@code day} at the profile, per period. */
    private static double[] dayEnergy(byte[] day, int periods, double[] kwhOfHour) {
        double[] e = new double[periods];
        for (int q = 0; q < day.length; q++) {
            e[day[q]] += kwhOfHour[q / 4];
        }
        return e;
    }
}

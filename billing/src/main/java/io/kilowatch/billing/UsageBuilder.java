package io.kilowatch.billing;

import io.kilowatch.model.tariff.PlanCalendar;
import io.kilowatch.model.tariff.PlanVersion;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * A customer-month of 15-minute intervals, bucketed as the plan reads them: each interval's
 * energy goes to the version in force on its local date and to the period its start falls in
 * (TARIFFS.md: "energy of each period is the sum of the 15-minute interval energies whose start
 * falls in it, in the plan's local time zone"); its average kW (kWh × 4) is a candidate for the
 * month's maximum demand. Intervals must be added for one customer, summed over its meters.
 */
public final class UsageBuilder {
    private static final BigDecimal QUARTERS_PER_HOUR = BigDecimal.valueOf(4);

    private final TariffPlan plan;
    private final YearMonth month;
    private final List<Slice> empty;
    private final BigDecimal[][] kwh;
    private final BigDecimal[] kvarh;
    private boolean kvarhMissing;
    private BigDecimal maxDemandKw;
    private Instant maxDemandAt;
    private int intervals;

    public UsageBuilder(TariffPlan plan, YearMonth month) {
        this.plan = plan;
        this.month = month;
        this.empty = Slice.of(plan, month);
        this.kwh = new BigDecimal[empty.size()][];
        this.kvarh = new BigDecimal[empty.size()];
        for (int i = 0; i < empty.size(); i++) {
            kwh[i] = empty.get(i).kwhByPeriod().toArray(BigDecimal[]::new);
            kvarh[i] = BigDecimal.ZERO;
        }
    }

    /** The slice and period an interval starting at {@code start} counts in: {sliceIndex, periodIndex}. */
    public int[] bucketOf(Instant start) {
        ZonedDateTime local = start.atZone(plan.zone());
        LocalDate date = local.toLocalDate();
        if (!YearMonth.from(date).equals(month)) {
            throw new BillException("interval at " + start + " (" + local.toLocalDateTime() + " " + plan.zone()
                    + ") is not in " + month);
        }
        for (int i = 0; i < empty.size(); i++) {
            if (empty.get(i).holds(date)) {
                PlanVersion v = plan.versions().get(empty.get(i).version());
                return new int[] {i, v.calendar().scheduleOf(date)[PlanCalendar.quarterOf(local.toLocalTime())]};
            }
        }
        throw new IllegalStateException("the slices cover the whole month");
    }

    /**
     * @param kwhOfInterval the customer's energy in the interval, ≥ 0
     * @param kvarhOfInterval reactive energy, or null when not measured
     */
    public UsageBuilder add(Instant start, BigDecimal kwhOfInterval, BigDecimal kvarhOfInterval) {
        if (kwhOfInterval.signum() < 0) {
            throw new BillException(
                    "interval at " + start + " has negative energy " + kwhOfInterval.toPlainString() + " kWh");
        }
        if (kvarhOfInterval != null && kvarhOfInterval.signum() < 0) {
            throw new BillException("interval at " + start + " has negative reactive energy "
                    + kvarhOfInterval.toPlainString() + " kvarh");
        }
        int[] b = bucketOf(start);
        kwh[b[0]][b[1]] = kwh[b[0]][b[1]].add(kwhOfInterval);
        if (kvarhOfInterval == null) {
            kvarhMissing = true;
        } else {
            kvarh[b[0]] = kvarh[b[0]].add(kvarhOfInterval);
        }
        BigDecimal demand = kwhOfInterval.multiply(QUARTERS_PER_HOUR);
        if (maxDemandKw == null || demand.compareTo(maxDemandKw) > 0) {
            maxDemandKw = demand;
            maxDemandAt = start;
        }
        intervals++;
        return this;
    }

    public int intervals() {
        return intervals;
    }

    /**
     * @param ytdKwhBefore the calendar year's energy before the month (annual tiers), kWh
     * @param coveredDays days of the month the intervals cover, or null for the whole month
     */
    public MonthUsage build(BigDecimal ytdKwhBefore, BigDecimal coveredDays) {
        List<Slice> slices = new ArrayList<>();
        for (int i = 0; i < empty.size(); i++) {
            Slice e = empty.get(i);
            slices.add(new Slice(e.version(), e.from(), e.until(), List.of(kwh[i]), kvarhMissing ? null : kvarh[i]));
        }
        return new MonthUsage(month, slices, maxDemandKw, maxDemandAt, ytdKwhBefore, coveredDays);
    }
}

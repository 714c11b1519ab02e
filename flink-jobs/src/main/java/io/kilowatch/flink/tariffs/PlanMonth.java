package io.kilowatch.flink.tariffs;

import io.kilowatch.billing.MonthUsage;
import io.kilowatch.billing.Slice;
import io.kilowatch.model.tariff.PlanCalendar;
import io.kilowatch.model.tariff.PlanVersion;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A customer's month under one plan, as the plan reads it: energy per (version, period) in
 * integer micro-kWh (exact sums whatever order corrections come in), reactive energy, the
 * maximum demand of the intervals that are final, the year's energy before the month (annual
 * tiers) and what time it covers. Versions are kept by their effective date, so a catalogue
 * update that adds a later version prices the days still to come at it.
 */
final class PlanMonth {
    String planId;
    int year;
    int month;
    long monthStart;
    long monthEnd;
    /** Effective dates (epoch day) of the versions energy was counted under, in the order first met. */
    long[] versions = new long[0];

    long[][] kwh = new long[0][];
    long[] kvarh = new long[0];
    boolean kvarhMissing;
    long finalMaxDemand;
    long finalMaxDemandAt;
    long ytdBefore;
    /** The year to date comes from the previous month of the plan, which is still open (late data). */
    boolean ytdFromPrevious;
    /** The first interval counted: a plan tracked from after the month's start has a partial month. */
    long trackedFrom = Long.MAX_VALUE;

    long coveredUntil = Long.MIN_VALUE;

    /**
     * What this month's bill point last carried of the fields that do not change within a month
     * ({@link ShadowBills#constants}), 0 when no point was written from this ledger, or {@link
     * #UNKNOWN} when one may have been written that the ledger has no record of (restored from
     * state version 2): a later point with the same leaves them out (InfluxDB keeps them from the
     * earlier one).
     */
    int written;

    /** {@link #written} for a ledger restored from before it was kept: every field is written again, {@code current} too. */
    static final int UNKNOWN = -1;

    PlanMonth() {}

    static PlanMonth of(TariffPlan plan, YearMonth m) {
        PlanMonth pm = new PlanMonth();
        pm.planId = plan.id();
        pm.year = m.getYear();
        pm.month = m.getMonthValue();
        pm.monthStart = m.atDay(1).atStartOfDay(plan.zone()).toInstant().toEpochMilli();
        pm.monthEnd =
                m.plusMonths(1).atDay(1).atStartOfDay(plan.zone()).toInstant().toEpochMilli();
        return pm;
    }

    YearMonth yearMonth() {
        return YearMonth.of(year, month);
    }

    boolean holds(long t) {
        return t >= monthStart && t < monthEnd;
    }

    boolean partial() {
        return trackedFrom != Long.MAX_VALUE && trackedFrom > monthStart;
    }

    long totalKwh() {
        long t = 0;
        for (long[] v : kwh) {
            for (long x : v) {
                t += x;
            }
        }
        return t;
    }

    /** Adds a change of an interval's energy to the version and period its start falls in. */
    void add(TariffPlan plan, long start, long dKwh, long dKvarh, boolean kvarhAbsent) {
        add(plan, start, Instant.ofEpochMilli(start).atZone(plan.zone()), dKwh, dKvarh, kvarhAbsent);
    }

    /** The same, with {@code start} in the plan's zone already ({@code local}): a customer's plans mostly share one. */
    void add(TariffPlan plan, long start, ZonedDateTime local, long dKwh, long dKvarh, boolean kvarhAbsent) {
        LocalDate date = local.toLocalDate();
        PlanVersion v = plan.versionOn(date);
        if (v == null) {
            return; // no version in force: the plan did not exist that day
        }
        int i = versionIndex(
                v.effectiveFrom().toEpochDay(), v.calendar().periods().size());
        int period = v.calendar().scheduleOf(date)[PlanCalendar.quarterOf(local.toLocalTime())];
        kwh[i][period] += dKwh;
        kvarh[i] += dKvarh;
        kvarhMissing |= kvarhAbsent;
        trackedFrom = Math.min(trackedFrom, start);
        coveredUntil = Math.max(coveredUntil, start + CustomerLedger.Q);
    }

    private int versionIndex(long epochDay, int periods) {
        for (int i = 0; i < versions.length; i++) {
            if (versions[i] == epochDay) {
                return i;
            }
        }
        versions = Arrays.copyOf(versions, versions.length + 1);
        versions[versions.length - 1] = epochDay;
        kwh = Arrays.copyOf(kwh, kwh.length + 1);
        kwh[kwh.length - 1] = new long[periods];
        kvarh = Arrays.copyOf(kvarh, kvarh.length + 1);
        return versions.length - 1;
    }

    /**
     * The month as the bill engine reads it, under {@code plan} as it stands now.
     *
     * @param maxDemandMicroKw the month's maximum 15-minute demand so far (final and open intervals)
     * @param ytdBeforeMicro the year's energy before the month
     */
    MonthUsage usage(TariffPlan plan, long maxDemandMicroKw, long maxDemandAt, long ytdBeforeMicro) {
        YearMonth m = yearMonth();
        List<Slice> slices = new ArrayList<>();
        for (Slice s : Slice.of(plan, m)) {
            PlanVersion v = plan.versions().get(s.version());
            int periods = v.calendar().periods().size();
            long[] counted = null;
            long reactive = 0;
            for (int i = 0; i < versions.length; i++) {
                if (versions[i] == v.effectiveFrom().toEpochDay() && kwh[i].length == periods) {
                    counted = kwh[i];
                    reactive = kvarh[i];
                }
            }
            List<BigDecimal> byPeriod = new ArrayList<>(periods);
            for (int p = 0; p < periods; p++) {
                byPeriod.add(counted == null ? BigDecimal.ZERO : micro(counted[p]));
            }
            slices.add(new Slice(s.version(), s.from(), s.until(), byPeriod, kvarhMissing ? null : micro(reactive)));
        }
        BigDecimal covered = coveredUntil == Long.MIN_VALUE ? null : days(coveredUntil - monthStart);
        return new MonthUsage(
                m,
                slices,
                maxDemandMicroKw < 0 ? null : micro(maxDemandMicroKw),
                maxDemandAt == Long.MIN_VALUE ? null : Instant.ofEpochMilli(maxDemandAt),
                micro(ytdBeforeMicro),
                covered);
    }

    /** Days from the month's start to the first interval counted (0 unless the month is partial). */
    BigDecimal startDays() {
        return partial() ? days(trackedFrom - monthStart) : BigDecimal.ZERO;
    }

    static BigDecimal days(long ms) {
        return BigDecimal.valueOf(ms).divide(BigDecimal.valueOf(86_400_000L), java.math.MathContext.DECIMAL64);
    }

    static BigDecimal micro(long v) {
        return BigDecimal.valueOf(v, 6);
    }
}

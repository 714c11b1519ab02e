package io.kilowatch.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

/**
 * One customer-month of usage under one plan, as the bill engine prices it: energy per version
 * slice and period, reactive energy, the maximum 15-minute demand, and the year's energy before
 * the month (for annual tiers). Built from 15-minute intervals ({@link UsageBuilder}) or from
 * month totals.
 *
 * @param maxDemandKw the month's highest 15-minute average kW, or null when not known
 * @param maxDemandAt when that interval started, or null
 * @param ytdKwhBefore energy of the calendar year before this month (annual tiers), kWh
 * @param coveredDays how many days of the month the usage covers (month to date); null for the whole month
 */
public record MonthUsage(
        YearMonth month,
        List<Slice> slices,
        BigDecimal maxDemandKw,
        Instant maxDemandAt,
        BigDecimal ytdKwhBefore,
        BigDecimal coveredDays) {
    public MonthUsage {
        slices = List.copyOf(slices);
    }

    public BigDecimal kwh() {
        return slices.stream().map(Slice::kwh).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /** The month's reactive energy, or null when some slice did not measure it. */
    public BigDecimal kvarh() {
        BigDecimal sum = BigDecimal.ZERO;
        for (Slice s : slices) {
            if (s.kvarh() == null) {
                return null;
            }
            sum = sum.add(s.kvarh());
        }
        return sum;
    }

    public int daysInMonth() {
        return month.lengthOfMonth();
    }
}

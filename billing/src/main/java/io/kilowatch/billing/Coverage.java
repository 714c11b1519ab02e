package io.kilowatch.billing;

import io.kilowatch.model.tariff.PlanCalendar;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * How many quarter-hours of each (version slice, period) a month's usage covers, and how many are
 * still to come: the usage spans from {@code startDays} to {@code coveredDays} after the month's
 * start. What the projection carries forward and what "peak-heavy" is judged against. Counted on
 * each date's day schedule (96 quarter-hours; a daylight-saving day's 92 or 100 are not told apart).
 */
public record Coverage(int[][] covered, int[][] remaining) {

    public static Coverage of(TariffPlan plan, MonthUsage usage, BigDecimal startDays, BigDecimal coveredDays) {
        int from = quarters(startDays);
        int to = quarters(coveredDays);
        List<Slice> slices = usage.slices();
        int[][] covered = new int[slices.size()][];
        int[][] remaining = new int[slices.size()][];
        // A month has a handful of distinct day schedules: count each once, then add them up by day.
        for (int s = 0; s < slices.size(); s++) {
            Slice slice = slices.get(s);
            PlanCalendar cal = plan.versions().get(slice.version()).calendar();
            Map<byte[], int[]> perDay = new IdentityHashMap<>();
            int periods = cal.periods().size();
            covered[s] = new int[periods];
            remaining[s] = new int[periods];
            for (LocalDate d = slice.from(); d.isBefore(slice.until()); d = d.plusDays(1)) {
                byte[] day = cal.scheduleOf(d);
                int base = (d.getDayOfMonth() - 1) * PlanCalendar.QUARTERS;
                if (base >= to) {
                    add(remaining[s], perDay.computeIfAbsent(day, x -> countByPeriod(x, periods)));
                } else if (base >= from && base + day.length <= to) {
                    add(covered[s], perDay.computeIfAbsent(day, x -> countByPeriod(x, periods)));
                } else {
                    for (int q = 0; q < day.length; q++) {
                        int i = base + q;
                        if (i >= to) {
                            remaining[s][day[q]]++;
                        } else if (i >= from) {
                            covered[s][day[q]]++;
                        }
                    }
                }
            }
        }
        return new Coverage(covered, remaining);
    }

    private static int[] countByPeriod(byte[] day, int periods) {
        int[] n = new int[periods];
        for (byte p : day) {
            n[p]++;
        }
        return n;
    }

    private static void add(int[] into, int[] counts) {
        for (int p = 0; p < into.length; p++) {
            into[p] += counts[p];
        }
    }

    static int quarters(BigDecimal days) {
        // usage starts and ends on quarter-hours:
        // a day fraction times 96 is a whole number but for the digits division left
        return days.multiply(BigDecimal.valueOf(PlanCalendar.QUARTERS))
                .setScale(0, RoundingMode.HALF_UP)
                .intValueExact();
    }

    public int coveredTotal() {
        int t = 0;
        for (int[] x : covered) {
            for (int v : x) {
                t += v;
            }
        }
        return t;
    }
}

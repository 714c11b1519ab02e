package io.kilowatch.billing;

import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * The days of a month under one plan version, and the usage of those days: a month that crosses
 * a version change has two slices, each priced at its own version's prices.
 *
 * @param version index into the plan's versions
 * @param until the first day after the slice
 * @param kwhByPeriod kWh per period index of the version's calendar
 * @param kvarh reactive energy of the slice, or null when not measured
 */
public record Slice(int version, LocalDate from, LocalDate until, List<BigDecimal> kwhByPeriod, BigDecimal kvarh) {
    public Slice {
        kwhByPeriod = List.copyOf(kwhByPeriod);
    }

    public int days() {
        return (int) ChronoUnit.DAYS.between(from, until);
    }

    public BigDecimal kwh() {
        BigDecimal sum = BigDecimal.ZERO;
        for (int p = 0; p < kwhByPeriod.size(); p++) { // a loop: asked for every tier of every bill the stage prices
            sum = sum.add(kwhByPeriod.get(p));
        }
        return sum;
    }

    public boolean holds(LocalDate d) {
        return !d.isBefore(from) && d.isBefore(until);
    }

    /** The version slices of {@code month} under {@code plan}, empty of usage. */
    public static List<Slice> of(TariffPlan plan, YearMonth month) {
        List<Slice> out = new ArrayList<>();
        LocalDate end = month.atEndOfMonth().plusDays(1);
        LocalDate d = month.atDay(1);
        while (d.isBefore(end)) {
            int v = plan.versionIndexOn(d);
            if (v < 0) {
                throw new BillException("plan " + plan.id() + " has no version in force on " + d
                        + " (its first is from " + plan.versions().get(0).effectiveFrom() + ")");
            }
            LocalDate next =
                    v + 1 < plan.versions().size() ? plan.versions().get(v + 1).effectiveFrom() : end;
            LocalDate until = next.isBefore(end) ? next : end;
            int periods = plan.versions().get(v).calendar().periods().size();
            out.add(new Slice(v, d, until, java.util.Collections.nCopies(periods, BigDecimal.ZERO), BigDecimal.ZERO));
            d = until;
        }
        return out;
    }
}

package io.kilowatch.flink.curves;

import io.kilowatch.model.tariff.PlanCalendar;
import io.kilowatch.model.tariff.PlanVersion;
import io.kilowatch.model.tariff.TariffCatalogue;
import io.kilowatch.model.tariff.TariffPlan;
import java.io.Serializable;
import java.time.LocalDate;

/**
 * The time-of-use periods the daily KPIs split a day's energy by: the calendar of one plan of
 * the tariff catalogue ({@code kpi.tou-plan}), the version in force on each date, so a KPI's
 * "peak" is the catalogue's peak (one definition of a period in the project: {@link PlanCalendar}).
 * Days before the plan's first version use its first version's calendar (replays of old data).
 */
public record KpiCalendar(TariffPlan plan) implements Serializable {

    /** The plan {@code planId} of {@code catalogue}. */
    public static KpiCalendar of(TariffCatalogue catalogue, String planId) {
        TariffPlan p = catalogue.plan(planId);
        if (p == null) {
            throw new IllegalArgumentException(
                    "kpi.tou-plan names plan '" + planId + "', which the catalogue " + catalogue.name()
                            + " does not have (it has " + catalogue.plans().keySet() + ")");
        }
        return new KpiCalendar(p);
    }

    /** The default: the sample catalogue's Hubei single-part calendar. */
    public static KpiCalendar sampleDefault() {
        return of(TariffCatalogue.sample(), "hb-ic-10kv-tou");
    }

    public PlanCalendar on(LocalDate day) {
        PlanVersion v = plan.versionOn(day);
        return (v == null ? plan.versions().get(0) : v).calendar();
    }
}

package io.kilowatch.billing;

import io.kilowatch.model.tariff.PlanVersion;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Usage stated as the month's totals, as a meter-reading sheet or another system gives them:
 * kWh per period, kvarh, the maximum 15-minute demand and the year's energy before the month.
 * Period names are the plan's; a month that crosses a version change cannot be priced from
 * totals (which days' energy was it?), and says so.
 *
 * @param kvarh null when not measured
 * @param maxDemandKw null when not measured
 * @param ytdKwhBefore null counts as 0
 */
public record MonthTotals(
        YearMonth month,
        Map<String, BigDecimal> kwhByPeriod,
        BigDecimal kvarh,
        BigDecimal maxDemandKw,
        BigDecimal ytdKwhBefore) {

    public MonthUsage toUsage(TariffPlan plan) {
        List<Slice> slices = Slice.of(plan, month);
        if (slices.size() > 1) {
            throw new BillException(
                    "plan " + plan.id() + " changes version on " + slices.get(1).from()
                            + ": month totals cannot say which energy was before it; give 15-minute intervals");
        }
        Slice s = slices.get(0);
        PlanVersion v = plan.versions().get(s.version());
        List<String> periods = v.calendar().periods();
        for (String p : kwhByPeriod.keySet()) {
            if (!periods.contains(p)) {
                throw new BillException("period '" + p + "' is not one of plan " + plan.id() + "'s periods " + periods);
            }
        }
        List<BigDecimal> kwh = new ArrayList<>();
        for (String p : periods) {
            BigDecimal q = kwhByPeriod.get(p);
            if (q == null) {
                throw new BillException(
                        "month totals lack kWh for period '" + p + "' of plan " + plan.id() + " (give 0 if none)");
            }
            if (q.signum() < 0) {
                throw new BillException("period '" + p + "' has negative energy " + q.toPlainString() + " kWh");
            }
            kwh.add(q);
        }
        if (kvarh != null && kvarh.signum() < 0) {
            throw new BillException("negative reactive energy " + kvarh.toPlainString() + " kvarh");
        }
        if (maxDemandKw != null && maxDemandKw.signum() < 0) {
            throw new BillException("negative maximum demand " + maxDemandKw.toPlainString() + " kW");
        }
        return new MonthUsage(
                month,
                List.of(new Slice(s.version(), s.from(), s.until(), kwh, kvarh)),
                maxDemandKw,
                null,
                ytdKwhBefore == null ? BigDecimal.ZERO : ytdKwhBefore,
                null);
    }
}

package io.kilowatch.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.tariff.CustomerTerms;
import io.kilowatch.model.tariff.PlanVersion;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Properties of the bill engine over random months of 15-minute usage (seeded: a failure repeats). */
class BillPropertiesTest {
    private static final String[] TOU_PLANS = {"hb-ic-10kv-tou", "hb-ic-lv-tou", "zj-res-tier-tou", "gd-ic-10kv-2part"};
    private static final CustomerTerms SMALL = Bills.customer("commercial", "lv", 50);

    record Interval(Instant start, BigDecimal kwh) {}

    private static List<Interval> randomMonth(TariffPlan plan, YearMonth month, SplittableRandom r) {
        List<Interval> out = new ArrayList<>();
        ZonedDateTime t = month.atDay(1).atStartOfDay(plan.zone());
        ZonedDateTime end = month.plusMonths(1).atDay(1).atStartOfDay(plan.zone());
        for (; t.isBefore(end); t = t.plusMinutes(15)) {
            out.add(new Interval(
                    t.toInstant(), BigDecimal.valueOf(r.nextInt(0, 5_000_000), 3))); // 0 – 5,000 kWh, Wh resolution
        }
        return out;
    }

    private static Bill bill(TariffPlan plan, YearMonth month, List<Interval> intervals, CustomerTerms c) {
        UsageBuilder u = new UsageBuilder(plan, month);
        for (Interval i : intervals) {
            u.add(i.start(), i.kwh(), BigDecimal.ZERO);
        }
        return BillEngine.price(plan, c, u.build(BigDecimal.ZERO, null));
    }

    private static CustomerTerms customerFor(TariffPlan plan) {
        return plan.versions().get(0).twoPart()
                ? Bills.twoPart("industrial", 630, io.kilowatch.model.tariff.BasicCharge.Basis.CAPACITY, null)
                : SMALL;
    }

    @Test
    void movingEnergyFromPeakToValleyNeverRaisesTheEnergyCharge() {
        SplittableRandom r = new SplittableRandom(20261201);
        for (int trial = 0; trial < 60; trial++) {
            TariffPlan plan = Bills.plan(TOU_PLANS[trial % TOU_PLANS.length]);
            YearMonth month = YearMonth.of(2026, 1 + r.nextInt(12));
            List<Interval> intervals = randomMonth(plan, month, r);
            UsageBuilder probe = new UsageBuilder(plan, month);
            PlanVersion v = plan.versions().get(0);
            int peak = v.calendar().periodIndex("peak");
            int valley = v.calendar().periodIndex("valley");
            List<Integer> peaks = new ArrayList<>();
            List<Integer> valleys = new ArrayList<>();
            for (int i = 0; i < intervals.size(); i++) {
                int p = probe.bucketOf(intervals.get(i).start())[1];
                (p == peak ? peaks : p == valley ? valleys : new ArrayList<Integer>()).add(i);
            }
            Bill before = bill(plan, month, intervals, customerFor(plan));
            List<Interval> moved = new ArrayList<>(intervals);
            for (int k = 0; k < 20; k++) {
                int from = peaks.get(r.nextInt(peaks.size()));
                int to = valleys.get(r.nextInt(valleys.size()));
                // Per-line rounding can move each of the two changed lines by up to half a fen, so the
                // property holds for every move worth at least two fen: kWh × (peak − valley) ≥ 0.02.
                BigDecimal spread = v.energy().priceOf(peak).subtract(v.energy().priceOf(valley));
                BigDecimal least = new BigDecimal("0.02").divide(spread, 3, RoundingMode.UP);
                BigDecimal x = moved.get(from).kwh().min(least.add(BigDecimal.valueOf(r.nextInt(0, 500_000), 3)));
                if (x.compareTo(least) < 0) {
                    continue;
                }
                moved.set(
                        from,
                        new Interval(
                                moved.get(from).start(), moved.get(from).kwh().subtract(x)));
                moved.set(
                        to,
                        new Interval(moved.get(to).start(), moved.get(to).kwh().add(x)));
            }
            Bill after = bill(plan, month, moved, customerFor(plan));
            assertThat(after.kwh()).isEqualByComparingTo(before.kwh());
            assertThat(after.energyAmount()).as("%s %s", plan.id(), month).isLessThanOrEqualTo(before.energyAmount());
        }
    }

    @Test
    void splittingAMonthAtAnyDayAndSummingGivesTheSameEnergyLines() {
        SplittableRandom r = new SplittableRandom(7);
        for (int trial = 0; trial < 40; trial++) {
            TariffPlan plan = Bills.plan(TOU_PLANS[trial % TOU_PLANS.length]);
            YearMonth month = YearMonth.of(2026, 1 + r.nextInt(12));
            List<Interval> intervals = randomMonth(plan, month, r);
            int splitDay = 2 + r.nextInt(month.lengthOfMonth() - 1);
            Instant split = month.atDay(splitDay).atStartOfDay(plan.zone()).toInstant();
            List<Interval> first =
                    intervals.stream().filter(i -> i.start().isBefore(split)).toList();
            List<Interval> second =
                    intervals.stream().filter(i -> !i.start().isBefore(split)).toList();
            CustomerTerms c = customerFor(plan);
            Map<String, BigDecimal[]> whole = energyLines(bill(plan, month, intervals, c));
            Map<String, BigDecimal[]> a = energyLines(bill(plan, month, first, c));
            Map<String, BigDecimal[]> b = energyLines(bill(plan, month, second, c));
            for (Map.Entry<String, BigDecimal[]> e : whole.entrySet()) {
                BigDecimal[] x = a.getOrDefault(e.getKey(), new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
                BigDecimal[] y = b.getOrDefault(e.getKey(), new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
                assertThat(x[0].add(y[0])).as("kWh of %s", e.getKey()).isEqualByComparingTo(e.getValue()[0]);
                // two rounded lines differ from one by at most a fen
                assertThat(x[1].add(y[1]).subtract(e.getValue()[1]).abs()).isLessThanOrEqualTo(new BigDecimal("0.01"));
            }
        }
    }

    /** Energy lines by period: {kWh, amount}. */
    private static Map<String, BigDecimal[]> energyLines(Bill b) {
        Map<String, BigDecimal[]> out = new HashMap<>();
        for (BillLine l : b.lines()) {
            if (l.charge() == BillLine.Charge.ENERGY) {
                out.merge(l.period(), new BigDecimal[] {l.quantity(), l.amount()}, (x, y) ->
                        new BigDecimal[] {x[0].add(y[0]), x[1].add(y[1])});
            }
        }
        return out;
    }
}

package io.kilowatch.billing.advice;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.billing.Bill;
import io.kilowatch.billing.BillEngine;
import io.kilowatch.billing.MonthTotals;
import io.kilowatch.billing.MonthUsage;
import io.kilowatch.model.tariff.BasicCharge;
import io.kilowatch.model.tariff.CustomerTerms;
import io.kilowatch.model.tariff.TariffCatalogue;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdvisorTest {
    private static final TariffCatalogue SAMPLE = TariffCatalogue.sample();
    private static final Advisor ADVISOR = new Advisor(Advisor.Thresholds.defaults());
    private static final CustomerTerms SHOP =
            new CustomerTerms("commercial", "1-10kV", "R01", new BigDecimal(80), null, null);

    private static MonthUsage month(TariffPlan plan, String kvarh, String maxKw, String... periodKwh) {
        Map<String, BigDecimal> m = new LinkedHashMap<>();
        for (String p : plan.versions().get(0).calendar().periods()) {
            m.put(p, BigDecimal.ZERO);
        }
        for (String pk : periodKwh) {
            m.put(pk.split("=")[0], new BigDecimal(pk.split("=")[1]));
        }
        return new MonthTotals(
                        YearMonth.of(2026, 3),
                        m,
                        kvarh == null ? null : new BigDecimal(kvarh),
                        maxKw == null ? null : new BigDecimal(maxKw),
                        null)
                .toUsage(plan);
    }

    @Test
    void aPeakHeavyLoadIsToldHowMuchToMoveToTheValleyAndWhatItSaves() {
        TariffPlan p = SAMPLE.plan("hb-ic-10kv-tou");
        // critical + peak are 8 of 24 hours (1/3 of the time) but
        // 10,000 of 20,000 kWh: 1.5 × a flat load's share ≥ 1.4.
        MonthUsage u = month(p, null, null, "critical=2000", "peak=8000", "flat=5000", "valley=5000");
        Advice a = ADVISOR.shiftLoad(p, SHOP, u, whole(p, u), u, new BigDecimal("0.10"))
                .orElseThrow();
        // move 10 %: 200 critical + 800 peak kWh to the valley.
        // before: 2,228.00 + 7,287.69 + 3,578.43 + 2,584.62 = 15,678.74
        // after: 1,800 × 1.113999 = 2,005.20; 7,200 × 0.910961 = 6,558.92;
        // 3,578.43; 6,000 × 0.516924 = 3,101.54 → 15,244.09
        assertThat(a.kind()).isEqualTo(Advice.Kind.SHIFT_LOAD);
        assertThat(a.target()).isEqualTo("valley");
        assertThat(a.currentCost()).isEqualByComparingTo("15678.74");
        assertThat(a.alternativeCost()).isEqualByComparingTo("15244.09");
        assertThat(a.saving()).isEqualByComparingTo("434.65");
        assertThat(a.figures().get("kwh_to_move")).isEqualByComparingTo("1000");
        assertThat(a.message())
                .contains(
                        "50 % of this month's energy falls in the critical and peak hours, which are 33 % of the time")
                .contains("Moving 1,000 kWh (10 % of it) to the valley hours (00:00–06:00, 12:00–14:00)")
                .contains("434.65 元");
        // A load spread like the clock (energy share = time share) is not told to move.
        MonthUsage flat = month(p, null, null, "critical=1000", "peak=3000", "flat=4000", "valley=4000");
        assertThat(ADVISOR.shiftLoad(p, SHOP, flat, whole(p, flat), flat, new BigDecimal("0.10")))
                .isEmpty();
        // Nor is anyone on a plan with one price all day.
        TariffPlan tiers = SAMPLE.plan("zj-res-tier");
        MonthUsage home = month(tiers, null, null, "standard=300");
        assertThat(ADVISOR.shiftLoad(
                        tiers,
                        new CustomerTerms("residential", "lv", "R01", BigDecimal.TEN, null, null),
                        home,
                        whole(tiers, home),
                        home,
                        new BigDecimal("0.1")))
                .isEmpty();
    }

    @Test
    void hoursAcrossMidnightReadAsOneRange() {
        byte[] day = SAMPLE.plan("zj-res-tier-tou").versions().get(0).calendar().scheduleOf(LocalDate.of(2026, 3, 3));
        assertThat(Advisor.hours(day, 1)).isEqualTo("22:00–08:00");
        assertThat(Advisor.hours(day, 0)).isEqualTo("08:00–22:00");
        byte[] hubei =
                SAMPLE.plan("hb-ic-10kv-tou").versions().get(0).calendar().scheduleOf(LocalDate.of(2026, 3, 3));
        assertThat(Advisor.hours(hubei, 3)).isEqualTo("00:00–06:00, 12:00–14:00");
    }

    /** Month totals cover the whole month. */
    private static io.kilowatch.billing.Coverage whole(TariffPlan p, MonthUsage u) {
        return io.kilowatch.billing.Coverage.of(p, u, BigDecimal.ZERO, BigDecimal.valueOf(u.daysInMonth()));
    }

    @Test
    void aTwoPartCustomerOnCapacityIsToldTheDemandBasisIsCheaperBelowTheBreakEven() {
        TariffPlan p = SAMPLE.plan("hb-ic-10kv-2part");
        CustomerTerms onCapacity =
                new CustomerTerms("industrial", "1-10kV", "R01", new BigDecimal(630), BasicCharge.Basis.CAPACITY, null);
        MonthUsage u = month(p, "0", "300", "flat=50000");
        Advice a = ADVISOR.basis(p, onCapacity, u).orElseThrow();
        // capacity 630 × 26.3 = 16,569.00; demand 300 × 42 = 12,600.00; both less 0.75 % (PF 1.00) on their base.
        Bill cap = BillEngine.price(p, onCapacity, u);
        Bill dem = BillEngine.price(p, onCapacity.withBasis(BasicCharge.Basis.DEMAND, null), u);
        assertThat(a.target()).isEqualTo("demand");
        assertThat(a.figures().get("basic_now")).isEqualByComparingTo("16569.00");
        assertThat(a.figures().get("basic_alternative")).isEqualByComparingTo("12600.00");
        assertThat(a.figures().get("break_even_kw")).isEqualByComparingTo("394.5");
        assertThat(a.saving()).isEqualByComparingTo(cap.total().subtract(dem.total()));
        // (16,569.00 − 12,600.00) × (1 − 0.0075) = 3,939.23, within a fen of line rounding
        assertThat(a.saving()).isBetween(new BigDecimal("3939.22"), new BigDecimal("3939.24"));
        assertThat(a.message()).contains("below 394.5 kW").contains("at least a quarter");
        // Above the break-even, capacity is right: no hint.
        assertThat(ADVISOR.basis(p, onCapacity, month(p, "0", "450", "flat=50000")))
                .isEmpty();
    }

    @Test
    void aLowPowerFactorIsPricedAtTheTargetWithTheCapacitorItNeeds() {
        TariffPlan p = SAMPLE.plan("hb-ic-10kv-2part");
        CustomerTerms c =
                new CustomerTerms("industrial", "1-10kV", "R01", new BigDecimal(630), BasicCharge.Basis.DEMAND, null);
        // 100,000 kWh and 75,000 kvarh: PF = 100,000 / 125,000 = 0.80 → +5 % (standard 0.90); at 0.95 → −0.75 %.
        // base = 65,188.60 (energy) + 12,600.00 (300 kW × 42) − 4,520.00 (funds) = 73,268.60
        // +5 % = 3,663.43; −0.75 % = −549.51 → saving 4,212.94
        Advice a = ADVISOR.powerFactor(p, c, month(p, "75000", "300", "flat=100000"))
                .orElseThrow();
        assertThat(a.saving()).isEqualByComparingTo("4212.94");
        assertThat(a.figures().get("power_factor")).isEqualByComparingTo("0.80");
        assertThat(a.figures().get("adjustment_percent_now")).isEqualByComparingTo("5.0");
        assertThat(a.figures().get("adjustment_percent_target")).isEqualByComparingTo("-0.75");
        // Q = 300 kW × (0.75 − tan(acos 0.95) = 0.3287) = 126.4 kvar
        assertThat(a.figures().get("capacitor_kvar")).isEqualByComparingTo("126");
        assertThat(a.message())
                .contains("a surcharge of 5 %")
                .contains("a discount of 0.75 %")
                .contains("126 kvar");
        assertThat(ADVISOR.powerFactor(p, c, month(p, "20000", "300", "flat=100000")))
                .as("PF 0.98: nothing to gain")
                .isEmpty();
    }

    @Test
    void aDemandWarningSaysWhatANewMaximumWouldAddAndNothingOnTheCapacityBasis() {
        TariffPlan p = SAMPLE.plan("hb-ic-10kv-2part");
        LocalDate day = LocalDate.of(2026, 3, 10);
        CustomerTerms demand =
                new CustomerTerms("industrial", "1-10kV", "R01", new BigDecimal(630), BasicCharge.Basis.DEMAND, null);
        // (412 − 380) kW × 42 = 1,344.00
        Advice a = ADVISOR.demandWarning(p, demand, day, new BigDecimal("380"), new BigDecimal("412"), "10:00")
                .orElseThrow();
        assertThat(a.saving()).isEqualByComparingTo("1344.00");
        assertThat(a.message())
                .contains("412.0 kW in the 15 minutes from 10:00")
                .contains("380.0 kW so far")
                .contains("1,344.00 元");
        // contract 300 kW: band 315 kW; a month at 300 kW heading to 330 kW: (330 − 315) × 84 = 1,260.00
        CustomerTerms contract = demand.withBasis(BasicCharge.Basis.CONTRACT, new BigDecimal("300"));
        assertThat(ADVISOR.demandWarning(p, contract, day, new BigDecimal("300"), new BigDecimal("330"), "10:00")
                        .orElseThrow()
                        .saving())
                .isEqualByComparingTo("1260.00");
        assertThat(ADVISOR.demandWarning(p, contract, day, new BigDecimal("300"), new BigDecimal("314"), "10:00"))
                .as("within the band")
                .isEmpty();
        assertThat(ADVISOR.demandWarning(p, demand, day, new BigDecimal("380"), new BigDecimal("395"), "10:00"))
                .as("3.9 %% above the month's maximum: not news")
                .isEmpty();
        assertThat(ADVISOR.demandWarning(
                        p,
                        demand.withBasis(BasicCharge.Basis.CAPACITY, null),
                        day,
                        new BigDecimal("380"),
                        new BigDecimal("500"),
                        "10:00"))
                .as("capacity basis: a new maximum costs nothing")
                .isEmpty();
    }

    @Test
    void aSwitchIsProposedOnlyWhenItSavesEnoughOnTheMonthSoFarAndProjected() {
        TariffPlan two = SAMPLE.plan("hb-ic-10kv-2part");
        TariffPlan single = SAMPLE.plan("hb-ic-10kv-tou");
        CustomerTerms c =
                new CustomerTerms("industrial", "1-10kV", "R01", new BigDecimal(250), BasicCharge.Basis.CAPACITY, null);
        MonthUsage small = month(two, "0", "60", "flat=8000");
        Advisor.Option current = new Advisor.Option(two, c);
        Bill now = BillEngine.price(two, c, small);
        List<Advisor.Option> options = List.of(current, new Advisor.Option(single, c.withBasis(null, null)));
        Advice a = ADVISOR.switchPlan(current, now, now, options, o -> {
                    MonthUsage u = month(o.plan(), "0", "60", "flat=8000");
                    Bill b = BillEngine.price(o.plan(), o.terms(), u);
                    return new Bill[] {b, b};
                })
                .orElseThrow();
        // two-part: 8,000 × 0.651886 = 5,215.09 + 250 × 26.3 = 6,575.00,
        // less 0.75 % of (11,790.09 − 361.60) = 85.71 → 11,704.38
        // single-part: 8,000 × 0.715686 = 5,725.49, less 0.75 % of (5,725.49 − 361.60) = 40.23 → 5,685.26
        assertThat(now.total()).isEqualByComparingTo("11704.38");
        assertThat(a.target()).isEqualTo("hb-ic-10kv-tou");
        assertThat(a.alternativeCost()).isEqualByComparingTo("5685.26");
        assertThat(a.saving()).isEqualByComparingTo("6019.12");
        assertThat(a.message()).contains("5,685.26 元 instead of 11,704.38 元").contains("-51.4 %");
        // Already on the cheapest: nothing.
        Advisor.Option onSingle = new Advisor.Option(single, c.withBasis(null, null));
        Bill singleBill = BillEngine.price(single, onSingle.terms(), month(single, "0", "60", "flat=8000"));
        assertThat(ADVISOR.switchPlan(onSingle, singleBill, singleBill, options, o -> {
                    Bill b = BillEngine.price(o.plan(), o.terms(), month(o.plan(), "0", "60", "flat=8000"));
                    return new Bill[] {b, b};
                }))
                .isEmpty();
    }
}

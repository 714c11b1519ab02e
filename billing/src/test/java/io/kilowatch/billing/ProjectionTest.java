package io.kilowatch.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.time.YearMonth;
import org.junit.jupiter.api.Test;

class ProjectionTest {

    @Test
    void tenDaysOfUsageAreCarriedToTheMonthsThirtyDaysPeriodByPeriod() {
        TariffPlan p = Bills.plan("zj-res-tier-tou");
        // 1–10 June: each day 4 kWh at 09:00 (peak) and 2 kWh at 23:00 (valley): 40 peak, 20 valley so far.
        UsageBuilder u = new UsageBuilder(p, YearMonth.of(2026, 6));
        for (int d = 1; d <= 10; d++) {
            u.add(java.time.LocalDateTime.of(2026, 6, d, 9, 0).atZone(p.zone()).toInstant(), new BigDecimal("4"), null);
            u.add(
                    java.time.LocalDateTime.of(2026, 6, d, 23, 0)
                            .atZone(p.zone())
                            .toInstant(),
                    new BigDecimal("2"),
                    null);
        }
        MonthUsage mtd = u.build(BigDecimal.ZERO, BigDecimal.TEN);
        MonthUsage month = Projection.toMonthEnd(p, mtd, BigDecimal.TEN);
        // 4 kWh/day × 30 = 120 peak; 2 × 30 = 60 valley
        assertThat(month.slices().get(0).kwhByPeriod().get(0)).isEqualByComparingTo("120");
        assertThat(month.slices().get(0).kwhByPeriod().get(1)).isEqualByComparingTo("60");
        Bill projected = BillEngine.price(p, Bills.customer("residential", "lv", 8), month);
        // 120 × 0.568 = 68.16; 60 × 0.288 = 17.28; total 85.44
        assertThat(projected.total()).isEqualByComparingTo("85.44");
    }

    @Test
    void aVersionLaterInTheMonthPricesTheDaysItWillBeInForce() {
        TariffPlan p = Bills.yamlPlan("""
                catalogue: test
                plans:
                  - id: v
                    zone: UTC
                    versions:
                      - {effectiveFrom: 2026-01-01, periods: [all], energy: {prices: {all: 0.30}}}
                      - {effectiveFrom: 2026-04-21, energy: {prices: {all: 0.40}}}
                """);
        UsageBuilder u = new UsageBuilder(p, YearMonth.of(2026, 4));
        for (int d = 1; d <= 5; d++) {
            u.add(
                    java.time.LocalDateTime.of(2026, 4, d, 12, 0)
                            .atZone(p.zone())
                            .toInstant(),
                    new BigDecimal("10"),
                    null);
        }
        MonthUsage month = Projection.toMonthEnd(p, u.build(BigDecimal.ZERO, new BigDecimal(5)), new BigDecimal(5));
        // 10 kWh a day: 20 days (1–20) at 0.30 = 60.00, 10 days (21–30) at 0.40 = 40.00
        assertThat(month.slices().get(0).kwh()).isEqualByComparingTo("200");
        assertThat(month.slices().get(1).kwh()).isEqualByComparingTo("100");
        assertThat(BillEngine.price(p, Bills.customer("residential", "lv", 8), month)
                        .total())
                .isEqualByComparingTo("100.00");
    }

    @Test
    void usageThatStartsMidMonthIsProjectedFromTheDaysItSpansOnly() {
        TariffPlan p = Bills.plan("zj-res-tier");
        // A household that came in on 11 June: 10 kWh a day on 11–20 June (100 kWh over 10 days).
        UsageBuilder u = new UsageBuilder(p, YearMonth.of(2026, 6));
        for (int d = 11; d <= 20; d++) {
            u.add(java.time.LocalDateTime.of(2026, 6, d, 12, 0).atZone(p.zone()).toInstant(), BigDecimal.TEN, null);
        }
        MonthUsage month = Projection.toMonthEnd(p, u.build(BigDecimal.ZERO, null), BigDecimal.TEN, new BigDecimal(20));
        // 10 kWh a day for the 10 days still to come: 200 kWh, not 100 × 30/20 = 150 (the 1st–10th are not zeros)
        assertThat(month.kwh()).isEqualByComparingTo("200");
    }

    @Test
    void aFirstDaySeenFrom0800DoesNotMakeTheNightLookEmpty() {
        TariffPlan p = Bills.plan("zj-res-tier-tou"); // peak 08–22, valley 22–08
        // A flat 4 kW (1 kWh a quarter) seen from 1 June 08:00 to midnight: 56 peak and 8 valley quarters.
        UsageBuilder u = new UsageBuilder(p, YearMonth.of(2026, 6));
        java.time.LocalDateTime t = java.time.LocalDateTime.of(2026, 6, 1, 8, 0);
        for (int q = 0; q < 64; q++) {
            u.add(t.plusMinutes(15L * q).atZone(p.zone()).toInstant(), BigDecimal.ONE, null);
        }
        MonthUsage month = Projection.toMonthEnd(
                p, u.build(BigDecimal.ZERO, null), new BigDecimal("0.3333333333"), BigDecimal.ONE);
        // Per period: 1 kWh a quarter in both, carried over the 29 days to come: 56 + 29 × 56 = 1,680 peak; 8 + 29 × 40
        // = 1,168 valley.
        // (Per day, 64 kWh a day × 29 more days would have split them 56:8 every day: 1,680 : 240.)
        assertThat(month.slices().get(0).kwhByPeriod().get(0)).isEqualByComparingTo("1680");
        assertThat(month.slices().get(0).kwhByPeriod().get(1)).isEqualByComparingTo("1168");
    }

    @Test
    void aDayProfileIsCarriedOverEveryQuarterStillToComeAtItsHoursEnergyInItsDaysPeriod() {
        TariffPlan p = Bills.plan("hb-ic-10kv-tou"); // July: critical-peak days beside ordinary ones
        YearMonth july = YearMonth.of(2026, 7);
        UsageBuilder u = new UsageBuilder(p, july);
        java.time.LocalDateTime t = july.atDay(1).atStartOfDay();
        for (int q = 0; q < 10 * 96 + 48; q++) { // to 11 July 12:00
            u.add(t.plusMinutes(15L * q).atZone(p.zone()).toInstant(), BigDecimal.ONE, null);
        }
        MonthUsage mtd = u.build(BigDecimal.ZERO, null);
        double[] profile = new double[24];
        for (int h = 0; h < 24; h++) {
            profile[h] = h == 3 ? Double.NaN : 0.5 + 0.1 * h; // 03:00 never seen: the mean of the hours seen
        }
        MonthUsage month = Projection.toMonthEnd(p, mtd, BigDecimal.ZERO, new BigDecimal("10.5"), profile);

        // Quarter by quarter from 11 July 12:00 to the month's end, each at its hour's energy, in its own day's period.
        double mean = 0;
        for (int h = 0; h < 24; h++) {
            mean += h == 3 ? 0 : profile[h] / 23;
        }
        var cal = p.versions().get(0).calendar();
        double[] toCome = new double[cal.periods().size()];
        for (int q = 10 * 96 + 48; q < 31 * 96; q++) {
            byte[] day = cal.scheduleOf(july.atDay(1 + q / 96));
            int hour = (q % 96) / 4;
            toCome[day[q % 96]] += hour == 3 ? mean : profile[hour];
        }
        assertThat(month.slices()).hasSize(1);
        for (int period = 0; period < toCome.length; period++) {
            double expected = mtd.slices().get(0).kwhByPeriod().get(period).doubleValue() + toCome[period];
            assertThat(month.slices().get(0).kwhByPeriod().get(period).doubleValue())
                    .as(cal.periodName(period))
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(2e-6));
        }
        assertThat(java.util.Arrays.stream(toCome).sum())
                .as("20.5 days to come")
                .isGreaterThan(20 * 96 * 0.5);
    }
}

package io.kilowatch.billing;

import static io.kilowatch.billing.Bills.assertBill;
import static io.kilowatch.billing.Bills.customer;
import static io.kilowatch.billing.Bills.plan;
import static io.kilowatch.billing.Bills.totals;
import static io.kilowatch.billing.Bills.twoPart;
import static io.kilowatch.billing.Bills.yamlPlan;
import static io.kilowatch.model.tariff.BasicCharge.Basis.CAPACITY;
import static io.kilowatch.model.tariff.BasicCharge.Basis.CONTRACT;
import static io.kilowatch.model.tariff.BasicCharge.Basis.DEMAND;
import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.tariff.TariffPlan;
import org.junit.jupiter.api.Test;

/**
 * Bills computed by hand, to the fen: the arithmetic is in the comments, every line rounded
 * half-up to 0.01 and the total the sum of the rounded lines (shared/TARIFFS.md). Together they
 * cover every element of the catalogue format.
 */
class GoldenBillsTest {

    /** A plan of one period with the charges a test names, in UTC. */
    private static TariffPlan simple(String price, String extra) {
        return yamlPlan("""
                catalogue: test
                plans:
                  - id: simple
                    zone: UTC
                    versions:
                      - effectiveFrom: 2026-01-01
                        periods: [all]
                        energy: {prices: {all: %s}}
                %s
                """.formatted(price, extra.indent(8)));
    }

    @Test
    void hubeiSinglePartTimeOfUseFromMonthTotals() {
        // 80 kVA: below 100 kVA no power-factor adjustment applies.
        // critical 2,000 × 1.113999 = 2,227.998 → 2,228.00
        // peak     8,000 × 0.910961 = 7,287.688 → 7,287.69
        // flat    12,000 × 0.715686 = 8,588.232 → 8,588.23
        // valley  10,000 × 0.516924 = 5,169.24
        // funds (memo) 32,000 × 0.0452 = 1,446.40, inside the prices, not added
        // total = 2,228.00 + 7,287.69 + 8,588.23 + 5,169.24 = 23,273.16
        Bill b = totals(
                plan("hb-ic-10kv-tou"),
                customer("commercial", "1-10kV", 80),
                "2026-03",
                null,
                null,
                null,
                "critical=2000",
                "peak=8000",
                "flat=12000",
                "valley=10000");
        assertBill(
                b,
                "23273.16",
                "energy critical: 2228.00",
                "energy peak: 7287.69",
                "energy flat: 8588.23",
                "energy valley: 5169.24",
                "government_funds (memo): 1446.40");
    }

    @Test
    void julyMovesHubeisCriticalPeakFrom18To20OverTo20To22() {
        // The same 80 kWh drawn 18:00–20:00 local (8 quarters × 10 kWh):
        // 30 June: critical: 80 × 1.113999 = 89.11992 → 89.12
        // 1 July:  peak:     80 × 0.910961 = 72.87688 → 72.88 (critical is 20:00–22:00 in July and August)
        Bill june = new Bills.Intervals(plan("hb-ic-10kv-tou"), "2026-06")
                .at("2026-06-30T18:00", 8, "10", null)
                .bill(customer("commercial", "1-10kV", 80));
        assertBill(june, "89.12", "energy critical: 89.12", "government_funds (memo): 3.62");
        Bill july = new Bills.Intervals(plan("hb-ic-10kv-tou"), "2026-07")
                .at("2026-07-01T18:00", 8, "10", null)
                .at("2026-07-01T20:00", 8, "10", null)
                .bill(customer("commercial", "1-10kV", 80));
        // and 20:00–22:00 in July: critical 80 × 1.113999 → 89.12; total 72.88 + 89.12 = 162.00
        assertBill(july, "162.00", "energy critical: 89.12", "energy peak: 72.88", "government_funds (memo): 7.23");
    }

    @Test
    void guangdongComponentsCriticalDaysCapacityBasisAndAPowerFactorDiscountAtStandard090() {
        // Prices from components: (purchase 0.42 + line loss 0.02) × ratio + 0.16 + 0.03 + 0.0452:
        // critical 0.44 × 2.125 + 0.2352 = 1.1702; peak 0.44 × 1.7 + 0.2352 = 0.9832;
        // valley 0.44 × 0.38 + 0.2352 = 0.4024
        // 15 July (every day of July–September is critical):
        // 10:00–11:00 peak, 11:00–12:00 critical, 03:00–04:00 valley,
        // 4 quarters × 10 kWh each, no kvarh:
        // critical 40 × 1.1702 = 46.808 → 46.81; peak 40 × 0.9832 = 39.328 → 39.33; valley 40 × 0.4024 = 16.096 → 16.10
        // basic: 200 kVA × 22.6 = 4,520.00
        // funds 120 × 0.0452 = 5.424 → 5.42;
        // PF = 120 / √(120² + 0²) = 1.00 ≥ 0.95 → −0.75 % at standard 0.90 (≥ 160 kVA)
        // base = 46.81 + 39.33 + 16.10 + 4,520.00 − 5.42 = 4,616.82; × −0.0075 = −34.62615 → −34.63
        // total = 46.81 + 39.33 + 16.10 + 4,520.00 − 34.63 = 4,587.61
        Bill b = new Bills.Intervals(plan("gd-ic-10kv-2part"), "2026-07")
                .at("2026-07-15T03:00", 4, "10", "0")
                .at("2026-07-15T10:00", 8, "10", "0")
                .bill(twoPart("industrial", 200, CAPACITY, null));
        assertBill(
                b,
                "4587.61",
                "energy critical: 46.81",
                "energy peak: 39.33",
                "energy valley: 16.10",
                "basic_capacity: 4520.00",
                "government_funds (memo): 5.42",
                "power_factor: -34.63");
        assertThat(b.powerFactor()).isEqualByComparingTo("1.00");
    }

    @Test
    void datedCriticalDaysHolidaysWeekendsAndWorkdaysEachPriceTheirOwnHours() {
        TariffPlan p = yamlPlan("""
                catalogue: test
                plans:
                  - id: cal
                    zone: Asia/Shanghai
                    versions:
                      - effectiveFrom: 2026-01-01
                        periods: [critical, peak, valley]
                        calendar:
                          holidays: [2026-08-07]
                          workdays: [2026-08-08]
                          days:
                            work: {peak: "08:00-22:00", valley: "22:00-08:00"}
                            rest: {valley: "00:00-24:00"}
                            hot: {critical: "12:00-14:00", peak: ["08:00-12:00", "14:00-22:00"], valley: "22:00-08:00"}
                          seasons: [{months: [1-12], weekday: work, weekend: rest, critical: hot}]
                          criticalDays: {dates: [2026-08-05]}
                        energy: {prices: {critical: 1.2, peak: 0.8, valley: 0.3}}
                        fixedCharges: [{name: meter, perMonth: 6.50}]
                """);
        // 20 kWh at 12:00–13:00 on each of five days of August 2026:
        // Wed 5th dated critical day → critical; Thu 6th → peak; Fri 7th holiday → the weekend's schedule → valley;
        // Sat 8th a listed workday → peak; Sun 9th → valley.
        // critical 20 × 1.2 = 24.00; peak 40 × 0.8 = 32.00; valley 40 × 0.3 = 12.00; meter 6.50; total 74.50
        Bills.Intervals u = new Bills.Intervals(p, "2026-08");
        for (String day : new String[] {"05", "06", "07", "08", "09"}) {
            u.at("2026-08-" + day + "T12:00", 4, "5", null);
        }
        assertBill(
                u.bill(customer("commercial", "lv", 50)),
                "74.50",
                "energy critical: 24.00",
                "energy peak: 32.00",
                "energy valley: 12.00",
                "fixed: 6.50");
    }

    @Test
    void annualTiersCrossedMidMonthWithTimeOfUse() {
        // Year to date before September: 2,500 kWh; September: peak 300, valley 100 → the year goes 2,500 → 2,900:
        // 260 kWh in block 1 (to 2,760), 140 kWh in block 2.
        // peak 300 × 0.568 = 170.40; valley 100 × 0.288 = 28.80; tier 2: 140 × 0.05 = 7.00; total 206.20
        // (the published per-tier prices pro rata give the same:
        // 195 × 0.568 + 105 × 0.618 + 65 × 0.288 + 35 × 0.338 = 206.20)
        Bill b = totals(
                plan("zj-res-tier-tou"),
                customer("residential", "lv", 8),
                "2026-09",
                null,
                null,
                "2500",
                "peak=300",
                "valley=100");
        assertBill(b, "206.20", "energy peak: 170.40", "energy valley: 28.80", "tier_surcharge tier 2: 7.00");
    }

    @Test
    void annualTiersCrossingTwoBlocksInOneMonth() {
        // Year to date 4,700, the month 300 kWh → 4,700 → 5,000: 100 kWh in block 2, 200 kWh in block 3.
        // energy 300 × 0.538 = 161.40; tier 2: 100 × 0.05 = 5.00; tier 3: 200 × 0.30 = 60.00; total 226.40
        // (= 100 × 0.588 + 200 × 0.838 at the published block prices)
        Bill b = totals(
                plan("zj-res-tier"), customer("residential", "lv", 8), "2026-11", null, null, "4700", "standard=300");
        assertBill(
                b, "226.40", "energy standard: 161.40", "tier_surcharge tier 2: 5.00", "tier_surcharge tier 3: 60.00");
    }

    @Test
    void monthlyTiers() {
        TariffPlan p = simple(
                "0.50",
                "tiers: {basis: monthly, blocks: [{upToKwh: 200, increment: 0}, {upToKwh: 400, increment: 0.05}, {increment: 0.10}]}");
        // 450 kWh: 450 × 0.50 = 225.00; block 2: 200 × 0.05 = 10.00; block 3: 50 × 0.10 = 5.00; total 240.00.
        // The year before does not count for monthly tiers.
        assertBill(
                totals(p, customer("residential", "lv", 8), "2026-05", null, null, "9000", "all=450"),
                "240.00",
                "energy all: 225.00",
                "tier_surcharge tier 2: 10.00",
                "tier_surcharge tier 3: 5.00");
    }

    @Test
    void twoPartOnActualMaximumDemandWithAPowerFactorSurchargeAtStandard090() {
        // Industrial, 630 kVA (standard 0.90 from 160 kVA); March; maximum 15-minute demand 380 kW.
        // critical 10,000 × 1.049999 = 10,499.99; peak 40,000 × 0.848961 = 33,958.44;
        // flat 60,000 × 0.651886 = 39,113.16; valley 50,000 × 0.432924 = 21,646.20 → energy 105,217.79
        // basic: 380 kW × 42.0 = 15,960.00
        // PF = 160,000 / √(160,000² + 120,000²) = 160,000 / 200,000 = 0.80 → 10 below 0.90 → +5.0 %
        // funds 160,000 × 0.0452 = 7,232.00; base = 105,217.79 + 15,960.00 − 7,232.00 = 113,945.79
        // adjustment 113,945.79 × 0.05 = 5,697.2895 → 5,697.29; total = 105,217.79 + 15,960.00 + 5,697.29 = 126,875.08
        Bill b = totals(
                plan("hb-ic-10kv-2part"),
                twoPart("industrial", 630, DEMAND, null),
                "2026-03",
                "120000",
                "380",
                null,
                "critical=10000",
                "peak=40000",
                "flat=60000",
                "valley=50000");
        assertBill(
                b,
                "126875.08",
                "energy critical: 10499.99",
                "energy peak: 33958.44",
                "energy flat: 39113.16",
                "energy valley: 21646.20",
                "basic_demand: 15960.00",
                "government_funds (memo): 7232.00",
                "power_factor: 5697.29");
        assertThat(b.powerFactor()).isEqualByComparingTo("0.80");
    }

    @Test
    void contractDemandAboveThe105PercentBandIsChargedAtDoublePrice() {
        // 630 kVA, contract 300 kW, maximum demand 330 kW: the band is 1.05 × 300 = 315 kW, 15 kW above it.
        // contract 300 × 42 = 12,600.00; excess 15 × (2 × 42) = 1,260.00
        // energy flat 50,000 × 0.651886 = 32,594.30; PF 1.00 → −0.75 % (0.90)
        // base = 32,594.30 + 12,600.00 + 1,260.00 − 2,260.00 (funds) = 44,194.30; × −0.0075 = −331.45725 → −331.46
        // total = 32,594.30 + 12,600.00 + 1,260.00 − 331.46 = 46,122.84
        Bill b = totals(
                plan("hb-ic-10kv-2part"),
                twoPart("industrial", 630, CONTRACT, "300"),
                "2026-04",
                "0",
                "330",
                null,
                "flat=50000");
        assertBill(
                b,
                "46122.84",
                "energy flat: 32594.30",
                "basic_contract: 12600.00",
                "basic_contract_excess: 1260.00",
                "government_funds (memo): 2260.00",
                "power_factor: -331.46");
    }

    @Test
    void aContractBelow40PercentOfCapacityIsRaisedToItAndAPowerFactorSurchargeAtStandard085() {
        // Commercial 630 kVA: standard 0.85 (industry's 0.90 rule
        // is for class industrial). Contract 200 kW < 40 % × 630
        // = 252 kW → billed at 252 kW; maximum demand 240 kW < 1.05 × 252 = 264.6: no excess.
        // basic 252 × 42 = 10,584.00; energy flat 30,000 × 0.651886 = 19,556.58
        // PF = 30,000 / √(30,000² + 20,160²) = 0.830001… → 0.83: 2 below 0.85 → +1.0 %
        // base = 19,556.58 + 10,584.00 − 1,356.00 (funds 30,000 × 0.0452) = 28,784.58; × 0.01 = 287.8458 → 287.85
        // total = 19,556.58 + 10,584.00 + 287.85 = 30,428.43
        Bill b = totals(
                plan("hb-ic-10kv-2part"),
                twoPart("commercial", 630, CONTRACT, "200"),
                "2026-05",
                "20160",
                "240",
                null,
                "flat=30000");
        assertBill(
                b,
                "30428.43",
                "energy flat: 19556.58",
                "basic_contract: 10584.00",
                "government_funds (memo): 1356.00",
                "power_factor: 287.85");
        assertThat(b.lines().get(1).quantity()).isEqualByComparingTo("252");
    }

    @Test
    void aPowerFactorDiscountAtStandard085() {
        // Commercial 150 kVA below 1 kV: energy flat 20,000 × 0.745686 = 14,913.72;
        // PF = 20,000 / √(20,000² + 5,000²) = 0.9701… → 0.97 ≥ 0.94 → −1.10 %
        // base = 14,913.72 − 904.00 (funds) = 14,009.72; × −0.011 = −154.10692 → −154.11; total 14,759.61
        Bill b = totals(
                plan("hb-ic-lv-tou"), customer("commercial", "lv", 150), "2026-10", "5000", null, null, "flat=20000");
        assertBill(b, "14759.61", "energy flat: 14913.72", "government_funds (memo): 904.00", "power_factor: -154.11");
    }

    @Test
    void standard080SurchargeAndDiscount() {
        TariffPlan p = simple("0.60", "powerFactor: {standard: 0.80}");
        // 10,000 kWh × 0.60 = 6,000.00 (no funds stated: base = 6,000.00)
        // kvarh 10,000: PF = 1 / √2 = 0.7071 → 0.71, 9 below 0.80 → +4.5 %: 270.00; total 6,270.00
        assertBill(
                totals(p, customer("industrial", "lv", 50), "2026-06", "10000", null, null, "all=10000"),
                "6270.00",
                "energy all: 6000.00",
                "power_factor: 270.00");
        // kvarh 3,000: PF = 10,000 / √(10,000² + 3,000²) = 0.9578 → 0.96 ≥ 0.92 → −1.30 %: −78.00; total 5,922.00
        assertBill(
                totals(p, customer("industrial", "lv", 50), "2026-06", "3000", null, null, "all=10000"),
                "5922.00",
                "energy all: 6000.00",
                "power_factor: -78.00");
    }

    @Test
    void aDailyFixedChargeInFebruaryCountsItsRealDays() {
        TariffPlan p = simple("0.50", "fixedCharges: [{name: standing, perDay: 1.20}, {name: meter, perMonth: 5.00}]");
        // February 2026 has 28 days: standing 28 × 1.20 = 33.60 (not 365/12 or 365/30 days); meter 5.00;
        // energy 100 × 0.50 = 50.00; total 88.60
        assertBill(
                totals(p, customer("residential", "lv", 8), "2026-02", null, null, null, "all=100"),
                "88.60",
                "energy all: 50.00",
                "fixed: 33.60",
                "fixed: 5.00");
        // and 31 × 1.20 = 37.20 in March
        assertBill(
                totals(p, customer("residential", "lv", 8), "2026-03", null, null, null, "all=100"),
                "92.20",
                "energy all: 50.00",
                "fixed: 37.20",
                "fixed: 5.00");
    }

    @Test
    void aMonthThatCrossesAVersionChangeIsBilledByTheDays() {
        TariffPlan p = yamlPlan("""
                catalogue: test
                plans:
                  - id: v
                    zone: UTC
                    versions:
                      - effectiveFrom: 2026-01-01
                        periods: [day, night]
                        calendar:
                          days: {d: {day: "07:00-23:00", night: "23:00-07:00"}}
                          seasons: [{months: [1-12], weekday: d}]
                        energy: {prices: {day: 0.30, night: 0.15}}
                        fixedCharges: [{name: standing, perDay: 0.5}, {name: service, perMonth: 10}]
                      - effectiveFrom: 2026-03-15
                        energy: {prices: {day: 0.33, night: 0.15}}
                """);
        // 1 kWh at 12:00 every day of March: 14 days (1–14) at the first version, 17 (15–31) at the second.
        // day 14 × 0.30 = 4.20 | day 17 × 0.33 = 5.61; standing 14 × 0.5 = 7.00 | 17 × 0.5 = 8.50;
        // service 10 × 14/31 = 4.516… → 4.52 | 10 × 17/31 = 5.483… → 5.48; total 35.31
        Bills.Intervals u = new Bills.Intervals(p, "2026-03");
        for (int d = 1; d <= 31; d++) {
            u.at(String.format("2026-03-%02dT12:00", d), 1, "1", null);
        }
        Bill b = u.bill(customer("residential", "lv", 8));
        assertBill(
                b,
                "35.31",
                "energy day: 4.20",
                "fixed: 7.00",
                "fixed: 4.52",
                "energy day: 5.61",
                "fixed: 8.50",
                "fixed: 5.48");
        assertThat(b.lines().get(0).versionFrom()).hasToString("2026-01-01");
        assertThat(b.lines().get(3).versionFrom()).hasToString("2026-03-15");
        assertThat(b.lines().get(2).share()).isEqualTo("14/31");
    }

    @Test
    void eachLineIsRoundedHalfUpOnItsOwnNotTheTotal() {
        TariffPlan p = yamlPlan("""
                catalogue: test
                plans:
                  - id: r
                    zone: UTC
                    versions:
                      - effectiveFrom: 2026-01-01
                        periods: [a, b, c]
                        calendar:
                          days: {d: {a: "00:00-08:00", b: "08:00-16:00", c: "16:00-24:00"}}
                          seasons: [{months: [1-12], weekday: d}]
                        energy: {prices: {a: 0.105, b: 0.105, c: 0.105}}
                """);
        // 1 kWh in each period: each line 0.105 → 0.11 half-up (half-even would say 0.10);
        // total = 0.11 × 3 = 0.33, where rounding the exact sum 0.315 once would give 0.32.
        Bill b = totals(p, customer("residential", "lv", 8), "2026-01", null, null, null, "a=1", "b=1", "c=1");
        assertBill(b, "0.33", "energy a: 0.11", "energy b: 0.11", "energy c: 0.11");
    }

    @Test
    void demandIsTheHighest15MinuteAverageNotTheHighestSample() {
        // Two quarters on Tue 10 March 09:00–09:30 (flat): 50 kWh → 200 kW, 60 kWh → 240 kW: billed demand 240 kW.
        // energy 110 × 0.651886 = 71.70746 → 71.71; basic 240 × 42 = 10,080.00; PF 1.00 → −0.75 % (industrial 400 kVA)
        // base = 71.71 + 10,080.00 − 4.97 (funds 110 × 0.0452 = 4.972) = 10,146.74 → −76.10055 → −76.10
        // total = 71.71 + 10,080.00 − 76.10 = 10,075.61
        Bill b = new Bills.Intervals(plan("hb-ic-10kv-2part"), "2026-03")
                .at("2026-03-10T09:00", 1, "50", "0")
                .at("2026-03-10T09:15", 1, "60", "0")
                .bill(twoPart("industrial", 400, DEMAND, null));
        assertBill(
                b,
                "10075.61",
                "energy flat: 71.71",
                "basic_demand: 10080.00",
                "government_funds (memo): 4.97",
                "power_factor: -76.10");
        assertThat(b.maxDemandKw()).isEqualByComparingTo("240");
        assertThat(b.maxDemandAt()).hasToString("2026-03-10T01:15:00Z");
    }

    @Test
    void aKvarhPriceInsteadOfAPowerFactorPercentage() {
        TariffPlan p = simple("0.30", "reactive: {pricePerKvarh: 0.05, freeKvarhPerKwh: 0.484}");
        // 1,000 kWh × 0.30 = 300.00; kvarh 700, of which 0.484 × 1,000 = 484 free: 216 × 0.05 = 10.80; total 310.80
        assertBill(
                totals(p, customer("commercial", "lv", 40), "2026-01", "700", null, null, "all=1000"),
                "310.80",
                "energy all: 300.00",
                "reactive: 10.80");
    }

    @Test
    void aMinimumChargeTopsUpASmallBill() {
        TariffPlan p = simple("0.50", "minimumCharge: {perMonth: 20}");
        // 10 kWh × 0.50 = 5.00 < 20.00: top-up 15.00; total 20.00. 100 kWh → 50.00, no top-up.
        assertBill(
                totals(p, customer("residential", "lv", 8), "2026-01", null, null, null, "all=10"),
                "20.00",
                "energy all: 5.00",
                "minimum_top_up: 15.00");
        assertBill(
                totals(p, customer("residential", "lv", 8), "2026-01", null, null, null, "all=100"),
                "50.00",
                "energy all: 50.00");
    }
}

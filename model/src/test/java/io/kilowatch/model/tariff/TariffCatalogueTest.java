package io.kilowatch.model.tariff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kilowatch.model.RegistryEntry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TariffCatalogueTest {
    private static final TariffCatalogue SAMPLE = TariffCatalogue.sample();

    private static String period(TariffPlan plan, String date, String time) {
        PlanVersion v = plan.versionOn(LocalDate.parse(date));
        return v.calendar().periodName(v.calendar().periodAt(LocalDate.parse(date), LocalTime.parse(time)));
    }

    @Test
    void theSampleCatalogueHasThePlansOfTariffsMdWithTheirPublishedNumbers() {
        assertThat(SAMPLE.illustrative()).isTrue();
        assertThat(SAMPLE.plans().keySet())
                .containsExactly(
                        "hb-ic-10kv-tou",
                        "hb-ic-10kv-2part",
                        "hb-ic-lv-tou",
                        "gd-ic-10kv-2part",
                        "zj-res-tier",
                        "zj-res-tier-tou");
        TariffPlan hubei = SAMPLE.plan("hb-ic-10kv-tou");
        assertThat(hubei.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
        PlanVersion v = hubei.versionOn(LocalDate.parse("2026-03-01"));
        assertThat(v.energy().priceOf(v.calendar().periodIndex("critical"))).isEqualByComparingTo("1.113999");
        assertThat(v.energy().priceOf(v.calendar().periodIndex("valley"))).isEqualByComparingTo("0.516924");
        assertThat(v.governmentFundsPerKwh()).isEqualByComparingTo("0.0452");
        PlanVersion twoPart = SAMPLE.plan("hb-ic-10kv-2part").versions().get(0);
        assertThat(twoPart.basic().capacityPricePerKva()).isEqualByComparingTo("26.3");
        assertThat(twoPart.basic().demandPricePerKw()).isEqualByComparingTo("42.0");
        assertThat(twoPart.basic().contractBand()).isEqualByComparingTo("1.05");
        assertThat(twoPart.basic().contractFloor()).isEqualByComparingTo("0.40");
    }

    @Test
    void hubeiMovesItsCriticalPeakInJulyAndAugustThroughTheSharedCalendar() {
        for (String id : new String[] {"hb-ic-10kv-tou", "hb-ic-10kv-2part"}) {
            TariffPlan p = SAMPLE.plan(id);
            assertThat(period(p, "2026-06-30", "18:00")).isEqualTo("critical");
            assertThat(period(p, "2026-06-30", "20:45")).isEqualTo("peak");
            assertThat(period(p, "2026-07-01", "18:00")).isEqualTo("peak");
            assertThat(period(p, "2026-07-01", "21:45")).isEqualTo("critical");
            assertThat(period(p, "2026-08-31", "23:45")).isEqualTo("peak");
            assertThat(period(p, "2026-09-01", "13:00")).isEqualTo("valley");
        }
    }

    @Test
    void guangdongHasCriticalHoursOnEveryDayOfJulyToSeptemberOnly() {
        TariffPlan gd = SAMPLE.plan("gd-ic-10kv-2part");
        assertThat(period(gd, "2026-06-15", "11:30")).isEqualTo("peak");
        assertThat(period(gd, "2026-07-04", "11:30")).isEqualTo("critical"); // a Saturday: every day
        assertThat(period(gd, "2026-09-30", "16:45")).isEqualTo("critical");
        assertThat(period(gd, "2026-09-30", "17:00")).isEqualTo("peak");
        PlanVersion v = gd.versions().get(0);
        // components: (0.42 + 0.02) × multiplier + 0.16 + 0.03 + 0.0452
        assertThat(v.energy().priceOf(v.calendar().periodIndex("peak")))
                .isEqualByComparingTo("0.983200"); // 0.748 + 0.2352
        assertThat(v.energy().priceOf(v.calendar().periodIndex("critical")))
                .isEqualByComparingTo("1.1702"); // 0.935 + 0.2352
        assertThat(v.energy().priceOf(v.calendar().periodIndex("valley")))
                .isEqualByComparingTo("0.4024"); // 0.1672 + 0.2352
    }

    @Test
    void eligibilityFollowsClassVoltageLevelRegionAndCapacity() {
        RegistryEntry factory = new RegistryEntry(
                        "M1", "C1", "industrial", "T1", "F1", "R01", "hb-ic-10kv-2part", 630, 630, 230, 3)
                .withBilling("1-10kV", "capacity", null);
        CustomerTerms c = CustomerTerms.of(factory);
        assertThat(SAMPLE.plan("hb-ic-10kv-2part").eligible(c)).isTrue();
        assertThat(SAMPLE.plan("hb-ic-10kv-tou").eligibility().refusal(c))
                .isEqualTo("capacity 630.0 kVA is not below 315");
        assertThat(SAMPLE.plan("gd-ic-10kv-2part").eligibility().refusal(c)).contains("region R01");
        assertThat(SAMPLE.plan("zj-res-tier").eligibility().refusal(c)).contains("class industrial");
        RegistryEntry home =
                new RegistryEntry("M2", "C2", "residential", "T1", "F1", "R01", "zj-res-tier", 8, 630, 230, 1);
        assertThat(CustomerTerms.of(home).voltageLevel()).isEqualTo("lv");
        assertThat(SAMPLE.plan("zj-res-tier-tou").eligible(CustomerTerms.of(home)))
                .isTrue();
    }

    @Test
    void aVersionStatesWhatChangedAndCarriesTheRestForward() {
        TariffCatalogue c = TariffCatalogue.parseYaml(bytes("""
                catalogue: t
                plans:
                  - id: p
                    zone: UTC
                    versions:
                      - effectiveFrom: 2026-01-01
                        periods: [day, night]
                        calendar:
                          days: {d: {day: "07:00-23:00", night: "23:00-07:00"}}
                          seasons: [{months: [1-12], weekday: d}]
                        energy: {prices: {day: 0.30, night: 0.15}}
                        fixedCharges: [{name: standing, perDay: 0.5}]
                      - effectiveFrom: 2026-03-15
                        energy: {prices: {day: 0.33, night: 0.15}}
                      - effectiveFrom: 2026-06-01
                        fixedCharges: null
                """));
        TariffPlan p = c.plan("p");
        assertThat(p.versionOn(LocalDate.parse("2025-12-31"))).isNull();
        assertThat(p.versionOn(LocalDate.parse("2026-03-14")).energy().priceOf(0))
                .isEqualByComparingTo("0.30");
        PlanVersion march = p.versionOn(LocalDate.parse("2026-03-15"));
        assertThat(march.energy().priceOf(0)).isEqualByComparingTo("0.33");
        assertThat(march.fixed()).hasSize(1);
        assertThat(march.calendar().periodAt(LocalDate.parse("2026-03-15"), LocalTime.parse("23:15")))
                .isEqualTo(1);
        assertThat(p.versionOn(LocalDate.parse("2026-06-01")).fixed()).isEmpty();
    }

    @Test
    void holidaysWeekendsWorkdaysAndDatedCriticalDaysChooseTheDaySchedule() {
        TariffCatalogue c = TariffCatalogue.parseYaml(bytes("""
                catalogue: t
                holidays:
                  cn-2026: [2026-10-01..2026-10-07, 2026-01-01]
                plans:
                  - id: p
                    zone: Asia/Shanghai
                    versions:
                      - effectiveFrom: 2026-01-01
                        periods: [critical, peak, valley]
                        calendar:
                          holidays: cn-2026
                          workdays: [2026-10-10]
                          days:
                            work: {peak: "08:00-22:00", valley: "22:00-08:00"}
                            rest: {valley: "00:00-24:00"}
                            hot: {critical: "12:00-14:00", peak: ["08:00-12:00", "14:00-22:00"], valley: "22:00-08:00"}
                          seasons: [{months: [1-12], weekday: work, weekend: rest, critical: hot}]
                          criticalDays: {dates: [2026-08-05]}
                        energy: {prices: {critical: 1.2, peak: 0.8, valley: 0.3}}
                """));
        PlanCalendar cal = c.plan("p").versions().get(0).calendar();
        assertThat(cal.dayKind(LocalDate.parse("2026-10-03"))).isEqualTo(PlanCalendar.DayKind.HOLIDAY);
        assertThat(cal.periodName(cal.periodAt(LocalDate.parse("2026-10-05"), LocalTime.NOON)))
                .isEqualTo("valley"); // holiday → weekend's
        assertThat(cal.periodName(cal.periodAt(LocalDate.parse("2026-10-10"), LocalTime.NOON)))
                .isEqualTo("peak"); // a Saturday worked
        assertThat(cal.periodName(cal.periodAt(LocalDate.parse("2026-10-11"), LocalTime.NOON)))
                .isEqualTo("valley"); // Sunday
        assertThat(cal.periodName(cal.periodAt(LocalDate.parse("2026-08-05"), LocalTime.NOON)))
                .isEqualTo("critical");
        assertThat(cal.periodName(cal.periodAt(LocalDate.parse("2026-08-06"), LocalTime.NOON)))
                .isEqualTo("peak");
        assertThat(cal.periodName(cal.periodAt(LocalDate.parse("2026-08-06"), LocalTime.parse("23:45"))))
                .isEqualTo("valley");
    }

    @Test
    void aBadCatalogueIsRejectedWholeNamingTheLineOfEveryProblem() {
        String yaml = """
                catalogue: bad
                plans:
                  - id: p1
                    zone: Mars/Olympus
                    eligibility: {classes: [spaceship]}
                    versions:
                      - effectiveFrom: 2026-01-01
                        periods: [peak, valley]
                        calendar:
                          days:
                            d: {peak: ["08:00-22:00"], valley: ["22:00-07:00"]}
                            e: {peak: ["08:10-22:00"], valley: ["22:00-08:00"], flat: ["00:00-01:00"]}
                          seasons: [{months: [1-6], weekday: d}, {months: [6-11], weekday: nope}]
                        energy: {prices: {peak: 0.8}}
                        tiers: {basis: weekly, blocks: [{upToKwh: 100, increment: 0}, {upToKwh: 50, increment: 0.1}, {increment: 0.2}]}
                        powerFactor: {standard: 0.95}
                        colour: blue
                  - id: p1
                    zone: UTC
                    versions:
                      - effectiveFrom: 2026-13-01
                        periods: [all]
                        energy: {prices: {all: 0.1234567}}
                """;
        assertThatThrownBy(() -> TariffCatalogue.parseYaml(bytes(yaml)))
                .isInstanceOf(TariffCatalogue.Rejected.class)
                .hasMessageContaining("nothing loaded")
                .hasMessageContaining("line 4: plans[0].zone: 'Mars/Olympus' is not a time-zone id")
                .hasMessageContaining("line 5: plans[0].eligibility.classes: class 'spaceship'")
                .hasMessageContaining("line 11: plans[0].versions[0].calendar.days.d: leaves 07:00 in no period")
                .hasMessageContaining(
                        "line 12: plans[0].versions[0].calendar.days.e.peak: '08:10' is not a quarter-hour")
                .hasMessageContaining("line 12: plans[0].versions[0].calendar.days.e.flat: period 'flat' is not one of")
                .hasMessageContaining(
                        "line 13: plans[0].versions[0].calendar.seasons[1].months: JUNE is in two seasons")
                .hasMessageContaining(
                        "line 13: plans[0].versions[0].calendar.seasons[1].weekday: names day schedule 'nope'")
                .hasMessageContaining("line 13: plans[0].versions[0].calendar.seasons: no season holds [DECEMBER]")
                .hasMessageContaining("line 14: plans[0].versions[0].energy.prices: has nothing for period 'valley'")
                .hasMessageContaining("line 15: plans[0].versions[0].tiers.basis: must be monthly or annual")
                .hasMessageContaining(
                        "line 15: plans[0].versions[0].tiers.blocks[1].upToKwh: must be above the previous block's 100")
                .hasMessageContaining(
                        "line 16: plans[0].versions[0].powerFactor.standard: power-factor standard must be 0.90, 0.85 or 0.80")
                .hasMessageContaining("line 17: plans[0].versions[0].colour: is not a field here")
                .hasMessageContaining("line 21: plans[1].versions[0].effectiveFrom: '2026-13-01' is not a date")
                .hasMessageContaining(
                        "line 23: plans[1].versions[0].energy.prices.all: 0.1234567 has more than 6 decimals");
        assertThatThrownBy(() -> TariffCatalogue.parseYaml(bytes("catalogue: [unclosed\n")))
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void eachPlanTravelsAsACatalogueOfOneAndReadsBackTheSame() {
        for (TariffPlan plan : SAMPLE.plans().values()) {
            TariffPlan back = TariffCodec.decodePlan(SAMPLE.wireValues().get(plan.id()));
            assertThat(back.id()).isEqualTo(plan.id());
            assertThat(back.illustrative()).isTrue();
            assertThat(back.catalogue()).isEqualTo("kilowatch-sample-2026");
            assertThat(back.versions()).hasSameSizeAs(plan.versions());
            for (int i = 0; i < plan.versions().size(); i++) {
                PlanVersion a = plan.versions().get(i);
                PlanVersion b = back.versions().get(i);
                assertThat(b.energy().byPeriod())
                        .usingElementComparator(BigDecimal::compareTo)
                        .isEqualTo(a.energy().byPeriod());
                assertThat(b.calendar().periods()).isEqualTo(a.calendar().periods());
                for (String d : a.calendar().days().keySet()) {
                    assertThat(b.calendar().days().get(d))
                            .isEqualTo(a.calendar().days().get(d));
                }
                assertThat(b.tiers()).isEqualTo(a.tiers());
                assertThat(b.basic()).isEqualTo(a.basic());
                assertThat(b.powerFactor()).isEqualTo(a.powerFactor());
            }
        }
        assertThatThrownBy(() -> TariffCodec.decodePlan(bytes("{\"catalogue\":\"x\",\"plans\":[]}")))
                .isInstanceOf(TariffCatalogue.Rejected.class);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

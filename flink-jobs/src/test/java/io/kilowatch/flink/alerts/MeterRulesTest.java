package io.kilowatch.flink.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.model.Alert;
import io.kilowatch.model.RegistryEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule of {@link MeterRules} on readings a minute apart, with the values it must report. */
class MeterRulesTest {
    private static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    private static final long MIN = 60_000;

    private final MeterRules rules = new MeterRules(AlertRules.defaults());
    private final MeterWatch w = new MeterWatch();
    private final List<Alert> alerts = new ArrayList<>();
    private final List<AreaEnergy> energy = new ArrayList<>();
    private final List<Suspicion> suspicions = new ArrayList<>();

    private static RegistryEntry entry(String meter, String customerClass) {
        return new RegistryEntry(meter, "c-" + meter, customerClass, "T1", "F1", "north", "res-tou", 8, 400, 230, 1);
    }

    private static final RegistryEntry RESIDENTIAL = entry("m1", "residential");

    private static AlertSample sample(long minute, double kw) {
        return sample(minute, kw, 1.0, 230, Double.NaN);
    }

    private static AlertSample sample(long minute, double kw, double pf, double volts, double importKwh) {
        double amps = Math.abs(kw) * 1000 / (volts * pf);
        return new AlertSample("m1", T0 + minute * MIN, kw, importKwh, Math.abs(kw / pf), pf, volts, volts, amps);
    }

    private void feed(RegistryEntry e, AlertSample... samples) {
        for (AlertSample s : samples) {
            assertThat(rules.observe(w, s, e, alerts::add, energy::add, suspicions::add))
                    .isTrue();
        }
    }

    private void minutes(RegistryEntry e, long from, long to, double kw) {
        for (long m = from; m < to; m++) {
            feed(e, sample(m, kw));
        }
    }

    @Test
    void overCapacityOpensAfterHoldingTwoMinutesAndResolvesAfterFiveBelow() {
        minutes(RESIDENTIAL, 0, 40, 5);
        minutes(RESIDENTIAL, 40, 50, 10);
        minutes(RESIDENTIAL, 50, 60, 5);

        assertThat(alerts).hasSize(2);
        Alert open = alerts.get(0);
        assertThat(open.type()).isEqualTo("over_capacity");
        assertThat(open.state()).isEqualTo(Alert.State.OPEN);
        assertThat(open.ts()).isEqualTo(T0 + 42 * MIN);
        assertThat(open.openedAt()).isEqualTo(T0 + 40 * MIN);
        assertThat(open.value()).isEqualTo(10.0);
        assertThat(open.threshold()).isEqualTo(8.0);
        assertThat(open.unit()).isEqualTo("kVA");
        assertThat(open.subjectId()).isEqualTo("m1");
        assertThat(open.customerId()).isEqualTo("c-m1");
        assertThat(open.level()).isEqualTo("meter");
        assertThat(open.alertId()).isEqualTo("m1/over_capacity/" + (T0 + 40 * MIN));
        assertThat(open.message()).isEqualTo("Load of m1 reached 10.0 kVA, above the contracted 8.0 kVA.");
        Alert resolved = alerts.get(1);
        assertThat(resolved.state()).isEqualTo(Alert.State.RESOLVED);
        assertThat(resolved.alertId()).isEqualTo(open.alertId());
        assertThat(resolved.ts()).isEqualTo(T0 + 55 * MIN);
    }

    @Test
    void oneReadingOverTheLimitIsNoise() {
        minutes(RESIDENTIAL, 0, 40, 5);
        feed(RESIDENTIAL, sample(40, 9));
        minutes(RESIDENTIAL, 41, 60, 5);
        assertThat(alerts).isEmpty();
    }

    @Test
    void voltageSagAndSwellAgainstTheNominalVoltage() {
        for (long m = 0; m < 10; m++) {
            feed(RESIDENTIAL, sample(m, 1, 1.0, m < 5 ? 230 : 195.5, Double.NaN));
        }
        for (long m = 10; m < 30; m++) {
            feed(RESIDENTIAL, sample(m, 1, 1.0, m < 20 ? 230 : 258, Double.NaN));
        }
        assertThat(alerts)
                .extracting(Alert::type, Alert::state, Alert::ts, Alert::value, Alert::threshold)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "voltage_sag", Alert.State.OPEN, T0 + 7 * MIN, 195.5, 207.0),
                        org.assertj.core.groups.Tuple.tuple(
                                "voltage_sag", Alert.State.RESOLVED, T0 + 15 * MIN, 195.5, 207.0),
                        org.assertj.core.groups.Tuple.tuple(
                                "voltage_swell", Alert.State.OPEN, T0 + 22 * MIN, 258.0, 253.0));
    }

    @Test
    void lowPowerFactorOnlyWithALoadWorthSpeakingOf() {
        for (long m = 0; m < 10; m++) {
            feed(RESIDENTIAL, sample(m, 0.2, 0.5, 230, Double.NaN)); // 0.2 kW < 5 % of 8 kVA: nothing to charge for
        }
        for (long m = 10; m < 20; m++) {
            feed(RESIDENTIAL, sample(m, 2, 0.65, 230, Double.NaN));
        }
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo("low_pf");
            assertThat(a.ts()).isEqualTo(T0 + 12 * MIN);
            assertThat(a.value()).isEqualTo(0.65);
            assertThat(a.threshold()).isEqualTo(0.8);
        });
    }

    private static final long DAY = 24 * 60;

    /** Day 1 at 1 kW (the meter's usual), then {@code load} minute by minute on day 2. */
    private void dayOfOneKwThen(RegistryEntry e, java.util.function.LongToDoubleFunction load) {
        minutes(e, 0, DAY, 1);
        for (long m = DAY; m < 2 * DAY; m++) {
            feed(e, sample(m, load.applyAsDouble(m - DAY)));
        }
    }

    @Test
    void aShortExcursionFarAboveTheHoursUsualIsASpikeRaisedWhenItIsOver() {
        // Usual at 09:00: 1 kW, no spread. Limit max(3 × 1, 1 + 1 kW, 1 + 4 × 0) = 3 kW.
        dayOfOneKwThen(null, m -> m >= 9 * 60 && m < 9 * 60 + 10 ? 6 : 1);
        // Last out-of-line reading 09:09; over once 5 min (resolve-after) pass below: 09:14.
        long over = T0 + (DAY + 9 * 60 + 14) * MIN;
        assertThat(alerts)
                .extracting(Alert::type, Alert::state, Alert::ts, Alert::openedAt, Alert::value, Alert::threshold)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "spike", Alert.State.OPEN, over, T0 + (DAY + 9 * 60) * MIN, 6.0, 3.0),
                        org.assertj.core.groups.Tuple.tuple(
                                "spike", Alert.State.RESOLVED, over + 1, T0 + (DAY + 9 * 60) * MIN, 6.0, 3.0));
        assertThat(alerts.get(0).message()).contains("6.0 kW for 10 min").contains("usually draws 1.0 kW");
        assertThat(alerts.get(0).customerId())
                .as("an unregistered meter has no customer to tell")
                .isNull();
    }

    @Test
    void aSpikeThatIsAlsoOverCapacityIsFoldedUnderTheOverCapacityAlert() {
        // Contract 8 kVA: 12 kW for 10 min is over capacity (held 2 min) and a spike (over 3 kW) of the same excursion.
        dayOfOneKwThen(RESIDENTIAL, m -> m >= 9 * 60 && m < 9 * 60 + 10 ? 12 : 1);
        Alert over = alerts.stream()
                .filter(a -> a.type().equals("over_capacity") && a.isOpen())
                .findFirst()
                .orElseThrow();
        List<Alert> spikes =
                alerts.stream().filter(a -> a.type().equals("spike")).toList();
        assertThat(spikes).hasSize(2).allSatisfy(a -> assertThat(a.parentId()).isEqualTo(over.alertId()));
        assertThat(spikes.get(0).isConsequence())
                .as("the customer hears of the over-capacity, not of the spike too")
                .isTrue();
        assertThat(over.parentId()).isNull();
        // A spike below the contract stands alone (at 15:00: 09:00's usual has learnt the first one).
        alerts.clear();
        for (long m = 2 * DAY; m < 3 * DAY; m++) {
            feed(RESIDENTIAL, sample(m, m - 2 * DAY >= 15 * 60 && m - 2 * DAY < 15 * 60 + 10 ? 6 : 1));
        }
        assertThat(alerts)
                .extracting(Alert::type, Alert::parentId)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("spike", null),
                        org.assertj.core.groups.Tuple.tuple("spike", null));
    }

    @Test
    void nothingIsJudgedInAnHourTheMeterHasNotBeenSeenInBefore() {
        minutes(null, 0, 9 * 60, 1);
        minutes(null, 9 * 60, 9 * 60 + 10, 6);
        minutes(null, 9 * 60 + 10, DAY, 1);
        assertThat(alerts).isEmpty();
    }

    @Test
    void aLongExcursionIsAChangeOfLevelNotASpike() {
        // An EV charging at 7.5 kW for three hours on its first evening:
        // no spike (over capacity, if it were, is another rule).
        dayOfOneKwThen(RESIDENTIAL, m -> m >= 18 * 60 && m < 21 * 60 ? 7.5 : 1);
        assertThat(alerts).filteredOn(a -> a.type().equals("spike")).isEmpty();
        // A spike of 16 min is one too.
        alerts.clear();
        minutes(RESIDENTIAL, 2 * DAY, 2 * DAY + 9 * 60, 1);
        minutes(RESIDENTIAL, 2 * DAY + 9 * 60, 2 * DAY + 9 * 60 + 16, 6);
        minutes(RESIDENTIAL, 2 * DAY + 9 * 60 + 16, 2 * DAY + 10 * 60, 1);
        assertThat(alerts).filteredOn(a -> a.type().equals("spike")).isEmpty();
    }

    @Test
    void aBurstTheMeterHasEveryMorningIsItsNormalEvenTenMinutesEarly() {
        // Day 1: 6 kW from 07:00 to 07:10 (a heater), 1 kW otherwise. Hour 7's usual: mean 1.83 kW,
        // mean of squares 6.83, spread 1.86 kW: its limit 1.83 + 4 × 1.86 = 9.3 kW covers 06:00-08:59.
        for (long m = 0; m < DAY; m++) {
            feed(RESIDENTIAL, sample(m, m >= 7 * 60 && m < 7 * 60 + 10 ? 6 : 1));
        }
        assertThat(new SpikeRule(AlertRules.defaults().spike(), 5 * MIN).limit(w, 6))
                .isCloseTo(9.29, within(0.01));
        for (long m = DAY; m < 2 * DAY; m++) {
            feed(RESIDENTIAL, sample(m, m - DAY >= 6 * 60 + 50 && m - DAY < 7 * 60 ? 6 : 1));
        }
        assertThat(alerts).filteredOn(a -> a.type().equals("spike")).isEmpty();
    }

    @Test
    void aRegisterGoingBackwardsIsTamperUntilItHasCaughtUp() {
        double kwh = 1000;
        for (long m = 0; m < 10; m++) {
            feed(RESIDENTIAL, sample(m, 1.2, 1.0, 230, kwh += 0.02));
        }
        kwh -= 50;
        for (long m = 10; m < 20; m++) {
            feed(RESIDENTIAL, sample(m, 1.2, 1.0, 230, kwh += 0.02));
        }
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo("tamper");
            assertThat(a.severity()).isEqualTo("critical");
            assertThat(a.ts()).isEqualTo(T0 + 10 * MIN);
            assertThat(a.value()).isCloseTo(49.98, within(1e-9));
            assertThat(a.alertId()).isEqualTo("m1/tamper.register_backwards/" + (T0 + 10 * MIN));
        });
    }

    @Test
    void exportWithoutGenerationIsTamperButNotForAProsumer() {
        minutes(RESIDENTIAL, 0, 5, -1.5);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo("tamper");
            assertThat(a.alertId()).startsWith("m1/tamper.export_non_prosumer/");
            assertThat(a.value()).isEqualTo(-1.5);
        });
        alerts.clear();
        MeterWatch prosumer = new MeterWatch();
        for (long m = 0; m < 5; m++) {
            rules.observe(
                    prosumer, sample(m, -1.5), entry("m1", "prosumer"), alerts::add, energy::add, suspicions::add);
        }
        assertThat(alerts).isEmpty();
    }

    @Test
    void currentWithoutPowerIsTamper() {
        for (long m = 0; m < 5; m++) {
            feed(null, new AlertSample("m1", T0 + m * MIN, 0.0, Double.NaN, 0, Double.NaN, 230, 230, 4.2));
        }
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.alertId()).startsWith("m1/tamper.current_no_energy/");
            assertThat(a.ts()).isEqualTo(T0 + 2 * MIN);
            assertThat(a.value()).isEqualTo(4.2);
        });
    }

    @Test
    void offlineAfterFifteenMinutesWithoutAReadingAndBackWithTheNextOne() {
        minutes(RESIDENTIAL, 0, 10, 1);
        assertThat(rules.offlineAt(w)).isEqualTo(T0 + 24 * MIN);
        rules.offline(w, "m1", RESIDENTIAL, rules.offlineAt(w), alerts::add);
        feed(RESIDENTIAL, sample(40, 1));
        assertThat(alerts)
                .extracting(Alert::type, Alert::state, Alert::ts, Alert::openedAt)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(
                                "meter_offline", Alert.State.OPEN, T0 + 24 * MIN, T0 + 9 * MIN),
                        org.assertj.core.groups.Tuple.tuple(
                                "meter_offline", Alert.State.RESOLVED, T0 + 40 * MIN, T0 + 9 * MIN));
        assertThat(alerts.get(0).message()).isEqualTo("Meter m1 has sent no reading since 2026-11-01T00:09:00Z.");
        assertThat(alerts.get(1).message()).isEqualTo("Meter m1 is reporting again after 31 min without readings.");
    }

    @Test
    void aHalfHourlyMeterIsOfflineAfterThreeOfItsPeriods() {
        for (long m = 0; m < 300; m += 30) {
            feed(RESIDENTIAL, sample(m, 1));
        }
        assertThat(rules.offlineAt(w)).isEqualTo(T0 + 270 * MIN + 90 * MIN);
    }

    @Test
    void aMeterRecordingFarLessThanItsUsualForTheSameHoursIsToldToItsAreasBalance() {
        // Day 1 learns 1 kW all day; on day 2 the meter records 0.3 kW from 12:00.
        minutes(RESIDENTIAL, 0, 24 * 60 + 12 * 60, 1);
        assertThat(suspicions).isEmpty();
        minutes(RESIDENTIAL, 24 * 60 + 12 * 60, 24 * 60 + 18 * 60, 0.3);
        minutes(RESIDENTIAL, 24 * 60 + 18 * 60, 24 * 60 + 21 * 60, 1);
        assertThat(alerts).as("the area decides (AreaBalance)").isEmpty();
        long day2 = T0 + 24 * 60 * MIN;
        long hour = 60 * MIN;
        // The third low hour closes at 15:00: window 12:00-15:00, usual 3 kWh, recorded 0.9 kWh.
        assertThat(suspicions.get(0))
                .extracting(
                        Suspicion::transformerId,
                        Suspicion::meterId,
                        Suspicion::customerId,
                        Suspicion::windowStart,
                        Suspicion::windowEnd,
                        Suspicion::openedAt)
                .containsExactly("T1", "m1", "c-m1", day2 + 12 * hour, day2 + 15 * hour, day2 + 15 * hour);
        assertThat(suspicions.get(0).usualKwh()).isCloseTo(3.0, within(1e-9));
        assertThat(suspicions.get(0).actualKwh()).isCloseTo(0.9, within(1e-9));
        assertThat(suspicions.get(0).missingKwh()).isCloseTo(2.1, within(1e-9));
        // Every hour while it holds: up to the window ending 18:00. The one ending 19:00 has 18:00-19:00 back at
        // 1 kW: (0.3 + 0.3 + 1) / 3 = 0.53, no longer below half: the drop is over (a bypass does not pause).
        assertThat(suspicions)
                .extracting(Suspicion::windowEnd, Suspicion::holds)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(day2 + 15 * hour, true),
                        org.assertj.core.groups.Tuple.tuple(day2 + 16 * hour, true),
                        org.assertj.core.groups.Tuple.tuple(day2 + 17 * hour, true),
                        org.assertj.core.groups.Tuple.tuple(day2 + 18 * hour, true),
                        org.assertj.core.groups.Tuple.tuple(day2 + 19 * hour, false));
    }

    @Test
    void aMeterOnNoKnownTransformerGoesToABalanceWithoutAnAreaMeter() {
        RegistryEntry alone =
                new RegistryEntry("m1", "c-m1", "residential", null, null, "north", "res-tou", 8, 0, 230, 1);
        minutes(alone, 0, 24 * 60 + 12 * 60, 1);
        minutes(alone, 24 * 60 + 12 * 60, 24 * 60 + 18 * 60, 0.3);
        assertThat(alerts)
                .as("nothing to confirm it: only a drop that lasts is raised, by the balance")
                .isEmpty();
        assertThat(suspicions)
                .isNotEmpty()
                .allSatisfy(x -> assertThat(x.transformerId()).isEqualTo(AreaBalance.NO_AREA));
        Suspicion first = suspicions.get(0);
        assertThat(first.windowEnd()).as("when the third low hour closed").isEqualTo(T0 + (24 + 15) * 60 * MIN);
        assertThat(first.actualKwh() / first.usualKwh()).isCloseTo(0.3, within(0.01));
    }

    @Test
    void anAreaMeterOverTheTransformerRatingIsATransformerOverloadOfTheGrid() {
        RegistryEntry area =
                new RegistryEntry("m1", "GRID", "transformer", "T1", "F1", "north", "grid", 400, 400, 230, 3);
        minutes(area, 0, 40, 300);
        minutes(area, 40, 45, 480);
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo("transformer_overload");
            assertThat(a.level()).isEqualTo("transformer");
            assertThat(a.subjectId()).isEqualTo("T1");
            assertThat(a.customerId()).isNull();
            assertThat(a.value()).isEqualTo(480.0);
            assertThat(a.threshold()).isEqualTo(400.0);
        });
    }

    @Test
    void duplicatesAndReadingsOutOfOrderAreNotEvaluated() {
        feed(RESIDENTIAL, sample(5, 1));
        assertThat(rules.observe(w, sample(5, 1), RESIDENTIAL, alerts::add, energy::add, suspicions::add))
                .isFalse();
        assertThat(rules.observe(w, sample(4, 1), RESIDENTIAL, alerts::add, energy::add, suspicions::add))
                .isFalse();
        assertThat(w.lastTs).isEqualTo(T0 + 5 * MIN);
    }

    @Test
    void eachQuarterHoursEnergyGoesToTheTransformersBalanceWhenTheNextBegins() {
        minutes(RESIDENTIAL, 0, 31, 4);
        assertThat(energy).extracting(AreaEnergy::quarterStart).containsExactly(T0, T0 + 15 * MIN);
        assertThat(energy.get(0).kwh())
                .as("the first reading has no time before it")
                .isCloseTo(4.0 * 14 / 60, within(1e-9));
        assertThat(energy.get(1).kwh()).isCloseTo(4.0 * 15 / 60, within(1e-9));
        assertThat(energy.get(1).transformerId()).isEqualTo("T1");
        assertThat(energy.get(1).areaMeter()).isFalse();
    }
}

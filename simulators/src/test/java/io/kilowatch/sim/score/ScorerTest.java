package io.kilowatch.sim.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScorerTest {
    private static final long T0 = Instant.parse("2026-06-16T00:00:00Z").toEpochMilli();
    private static final long MIN = 60_000;

    private static Alert open(String type, String level, String subject, long ts) {
        return new Alert(
                type + ":" + subject + ":" + ts,
                type,
                "warning",
                level,
                subject,
                null,
                Alert.State.OPEN,
                ts,
                ts,
                1,
                1,
                "kW",
                "");
    }

    private static Alert resolved(Alert a, long ts) {
        return new Alert(
                a.alertId(),
                a.type(),
                a.severity(),
                a.level(),
                a.subjectId(),
                null,
                Alert.State.RESOLVED,
                ts,
                a.openedAt(),
                0,
                1,
                "kW",
                "");
    }

    private static final List<GroundTruth> TRUTH = GroundTruth.parse(List.of(
            "subject,type,start,end",
            "M1,over_capacity," + Instant.ofEpochMilli(T0) + "," + Instant.ofEpochMilli(T0 + 30 * MIN),
            "M2,over_capacity," + Instant.ofEpochMilli(T0) + "," + Instant.ofEpochMilli(T0 + 30 * MIN),
            "T1,outage," + Instant.ofEpochMilli(T0 + 60 * MIN) + "," + Instant.ofEpochMilli(T0 + 75 * MIN),
            "M3,consumption_drop," + Instant.ofEpochMilli(T0) + "," + Instant.ofEpochMilli(T0 + 600 * MIN),
            "M4,register_backwards," + Instant.ofEpochMilli(T0) + "," + Instant.ofEpochMilli(T0 + 60 * MIN),
            "M5,export_non_prosumer," + Instant.ofEpochMilli(T0) + "," + Instant.ofEpochMilli(T0 + 60 * MIN),
            "M6,peak_heavy," + Instant.ofEpochMilli(T0) + "," + Instant.ofEpochMilli(T0 + 600 * MIN)));

    @Test
    void precisionRecallAndDelayPerAlertType() {
        Alert m1 = open("over_capacity", "meter", "M1", T0 + 2 * MIN);
        List<Alert> alerts = List.of(
                m1,
                m1,
                resolved(m1, T0 + 31 * MIN), // redelivered and resolved: one alert
                open("over_capacity", "meter", "M9", T0 + 5 * MIN), // nothing injected there: false positive
                open("over_capacity", "meter", "M2", T0 + 50 * MIN), // after end + grace (15 min): too late
                open("area_outage", "transformer", "T1", T0 + 66 * MIN), // the dark area T1: one incident...
                open("meter_offline", "meter", "A1", T0 + 64 * MIN)
                        .withParent("T1/area_outage/x"), // ...its meters folded under it
                open("meter_offline", "meter", "A2", T0 + 66 * MIN).withParent("T1/area_outage/x"),
                open("meter_offline", "meter", "B1", T0 + 64 * MIN), // a meter of another transformer
                open("tamper", "meter", "M4", T0 + 10 * MIN),
                open("tamper", "meter", "M5", T0 + 20 * MIN),
                open("low_pf", "meter", "M7", T0)); // a type nothing was injected for
        Scorer.Result r =
                new Scorer(Duration.ofMinutes(15), Map.of("A1", "T1", "A2", "T1", "B1", "T2")).score(TRUTH, alerts);
        Map<String, Scorer.Row> rows =
                r.rows().stream().collect(java.util.stream.Collectors.toMap(Scorer.Row::alertType, x -> x));

        Scorer.Row over = rows.get("over_capacity");
        assertThat(over.alerts()).isEqualTo(3);
        assertThat(over.truePositives()).isEqualTo(1);
        assertThat(over.anomalies()).isEqualTo(2);
        assertThat(over.detected()).isEqualTo(1);
        assertThat(over.medianDelayMs()).isEqualTo(2 * MIN);

        Scorer.Row area = rows.get("area_outage");
        assertThat(area.alerts()).isEqualTo(1);
        assertThat(area.precision()).isEqualTo(1.0);
        assertThat(area.recall()).isEqualTo(1.0);
        assertThat(area.medianDelayMs()).isEqualTo(6 * MIN);
        Scorer.Row offline = rows.get("meter_offline");
        assertThat(offline.alerts())
                .as("what staff read: B1 alone; A1 and A2 are the incident's")
                .isEqualTo(1);
        assertThat(offline.folded()).isEqualTo(2);
        assertThat(offline.precision()).isZero();
        assertThat(offline.recall()).as("no meter outage was injected").isNaN();

        Scorer.Row tamper = rows.get("tamper");
        assertThat(tamper.precision()).isEqualTo(1.0);
        assertThat(tamper.recall()).isEqualTo(1.0);
        assertThat(tamper.delaysMs()).containsExactlyInAnyOrder(10 * MIN, 20 * MIN);
        assertThat(tamper.maxDelayMs()).isEqualTo(20 * MIN);

        Scorer.Row theft = rows.get("theft_suspected");
        assertThat(theft.alerts()).isZero();
        assertThat(theft.precision()).isNaN();
        assertThat(theft.recall()).isZero();
        assertThat(theft.maxDelayMs()).isEqualTo(-1);

        assertThat(rows.get("low_pf").precision()).isZero();
        assertThat(rows.get("low_pf").recall()).isNaN();
        assertThat(r.notScored()).containsExactly(Map.entry("peak_heavy", 1));

        String md = Scorer.markdown(r, Duration.ofMinutes(15));
        assertThat(md).contains("| over_capacity | 3 | 1 | 0 | 0.33 | 2 | 1 | 0.50 | 2m | 2m | 0 |", "peak_heavy");
        assertThat(Scorer.csv(r))
                .contains(
                        "meter_offline,1,0,0.0000,0,0,,,,0,2", "area_outage,1,1,1.0000,1,1,1.0000,360.000,360.000,0,0");
    }

    @Test
    void alertsOfAnotherTypeAboutAnAnomalysSubjectOrAreaAreExplainedNotFalse() {
        List<Alert> alerts = List.of(
                open("spike", "meter", "M1", T0 + 3 * MIN), // M1's injected over capacity is also a jump
                open("spike", "meter", "A2", T0 + 61 * MIN), // a meter of the dark area T1
                open("spike", "meter", "M9", T0 + 3 * MIN)); // nothing injected there: false
        Scorer.Row spike = new Scorer(Duration.ofMinutes(15), Map.of("A1", "T1", "A2", "T1"))
                .score(TRUTH, alerts).rows().stream()
                        .filter(x -> x.alertType().equals("spike"))
                        .findFirst()
                        .orElseThrow();
        assertThat(spike.alerts()).isEqualTo(3);
        assertThat(spike.explained()).isEqualTo(2);
        assertThat(spike.truePositives()).isZero();
        assertThat(spike.precision()).isZero();
    }

    @Test
    void aFeederDarkIsOneFeederIncidentItsTransformersAndMetersFoldedUnderIt() {
        List<GroundTruth> truth = GroundTruth.parse(
                List.of("F1,outage," + Instant.ofEpochMilli(T0) + "," + Instant.ofEpochMilli(T0 + 30 * MIN)));
        List<Alert> alerts = List.of(
                open("area_outage", "feeder", "F1", T0 + 18 * MIN),
                open("area_outage", "transformer", "T1", T0 + 16 * MIN).withParent("F1/area_outage/x"),
                open("area_outage", "transformer", "T2", T0 + 16 * MIN).withParent("F1/area_outage/x"),
                open("meter_offline", "meter", "A1", T0 + 15 * MIN).withParent("T1/area_outage/x"),
                open("meter_offline", "meter", "B1", T0 + 15 * MIN).withParent("T2/area_outage/x"),
                open("spike", "meter", "B1", T0 + 20 * MIN)); // about a meter of the dark feeder: explained
        Scorer.Result r = new Scorer(
                        Duration.ofMinutes(15), Map.of("A1", "T1", "B1", "T2"), Map.of("T1", "F1", "T2", "F1"))
                .score(truth, alerts);
        Map<String, Scorer.Row> rows =
                r.rows().stream().collect(java.util.stream.Collectors.toMap(Scorer.Row::alertType, x -> x));
        assertThat(rows.get("area_outage"))
                .extracting(
                        Scorer.Row::alerts,
                        Scorer.Row::truePositives,
                        Scorer.Row::folded,
                        Scorer.Row::precision,
                        Scorer.Row::recall)
                .containsExactly(1, 1, 2, 1.0, 1.0);
        assertThat(rows.get("meter_offline").alerts()).isZero();
        assertThat(rows.get("spike").explained()).isEqualTo(1);
    }

    @Test
    void withoutRegistryOnlyTheAreaItselfMatchesAnAreaAnomaly() {
        List<Alert> alerts = List.of(
                open("meter_offline", "meter", "A1", T0 + 64 * MIN),
                open("meter_offline", "transformer", "T1", T0 + 70 * MIN));
        Scorer.Row row = new Scorer(Duration.ofMinutes(15), Map.of())
                .score(TRUTH, alerts).rows().stream()
                        .filter(x -> x.alertType().equals("meter_offline"))
                        .findFirst()
                        .orElseThrow();
        assertThat(row.truePositives()).isEqualTo(1);
        assertThat(row.medianDelayMs()).isEqualTo(10 * MIN);
    }
}

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
        return new Alert(type + ":" + subject + ":" + ts, type, "warning", level, subject, null, Alert.State.OPEN, ts, ts, 1, 1, "kW", "");
    }

    private static Alert resolved(Alert a, long ts) {
        return new Alert(a.alertId(), a.type(), a.severity(), a.level(), a.subjectId(), null, Alert.State.RESOLVED, ts, a.openedAt(), 0, 1,
                "kW", "");
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
                m1, m1, resolved(m1, T0 + 31 * MIN),                       // redelivered and resolved: one alert
                open("over_capacity", "meter", "M9", T0 + 5 * MIN),        // nothing injected there: false positive
                open("over_capacity", "meter", "M2", T0 + 50 * MIN),       // after end + grace (15 min): too late
                open("meter_offline", "meter", "A1", T0 + 64 * MIN),       // meters of the dark area T1
                open("meter_offline", "meter", "A2", T0 + 66 * MIN),
                open("meter_offline", "meter", "B1", T0 + 64 * MIN),       // a meter of another transformer
                open("tamper", "meter", "M4", T0 + 10 * MIN),
                open("tamper", "meter", "M5", T0 + 20 * MIN),
                open("low_pf", "meter", "M7", T0));                          // a type nothing was injected for
        Scorer.Result r = new Scorer(Duration.ofMinutes(15), Map.of("A1", "T1", "A2", "T1", "B1", "T2")).score(TRUTH, alerts);
        Map<String, Scorer.Row> rows = r.rows().stream().collect(java.util.stream.Collectors.toMap(Scorer.Row::alertType, x -> x));

        Scorer.Row over = rows.get("over_capacity");
        assertThat(over.alerts()).isEqualTo(3);
        assertThat(over.truePositives()).isEqualTo(1);
        assertThat(over.anomalies()).isEqualTo(2);
        assertThat(over.detected()).isEqualTo(1);
        assertThat(over.medianDelayMs()).isEqualTo(2 * MIN);

        Scorer.Row offline = rows.get("meter_offline");
        assertThat(offline.precision()).isEqualTo(2.0 / 3);
        assertThat(offline.recall()).isEqualTo(1.0);
        assertThat(offline.medianDelayMs()).isEqualTo(4 * MIN); // the first of the area's meters

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
        assertThat(md).contains("| over_capacity | 3 | 1 | 0 | 0.33 | 2 | 1 | 0.50 | 2m | 2m |", "peak_heavy");
        assertThat(Scorer.csv(r)).contains("meter_offline,3,2,0.6667,1,1,1.0000,240.000,240.000,0");
    }

    @Test
    void alertsOfAnotherTypeAboutAnAnomalysSubjectOrAreaAreExplainedNotFalse() {
        List<Alert> alerts = List.of(
                open("spike", "meter", "M1", T0 + 3 * MIN),          // M1's injected over capacity is also a jump
                open("spike", "meter", "A2", T0 + 61 * MIN),         // a meter of the dark area T1
                open("spike", "meter", "M9", T0 + 3 * MIN));         // nothing injected there: false
        Scorer.Row spike = new Scorer(Duration.ofMinutes(15), Map.of("A1", "T1", "A2", "T1")).score(TRUTH, alerts).rows().stream()
                .filter(x -> x.alertType().equals("spike")).findFirst().orElseThrow();
        assertThat(spike.alerts()).isEqualTo(3);
        assertThat(spike.explained()).isEqualTo(2);
        assertThat(spike.truePositives()).isZero();
        assertThat(spike.precision()).isZero();
    }

    @Test
    void withoutRegistryOnlyTheAreaItselfMatchesAnAreaAnomaly() {
        List<Alert> alerts = List.of(open("meter_offline", "meter", "A1", T0 + 64 * MIN),
                open("meter_offline", "transformer", "T1", T0 + 70 * MIN));
        Scorer.Row row = new Scorer(Duration.ofMinutes(15), Map.of()).score(TRUTH, alerts).rows().stream()
                .filter(x -> x.alertType().equals("meter_offline")).findFirst().orElseThrow();
        assertThat(row.truePositives()).isEqualTo(1);
        assertThat(row.medianDelayMs()).isEqualTo(10 * MIN);
    }
}

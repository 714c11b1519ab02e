package io.kilowatch.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Injected anomalies change exactly what they say, where and when they say, and the ground truth lists them. */
class ScenarioTest {
    private static final Instant START = Instant.parse("2026-06-15T16:00:00Z"); // local midnight at +08:00
    private static final long H = 3_600_000;

    private static Map<String, Reading> run(Scenario scenario, long[] dark) throws Exception {
        Map<String, Reading> out = new HashMap<>();
        ReadingCodec codec = new ReadingCodec();
        Fleet fleet = new Fleet("M", 100, 5, Duration.ofMinutes(1), ZoneOffset.ofHours(8));
        var settings =
                new FleetSimulation.Settings(START, Duration.ofHours(3), Duration.ofMinutes(1), 0, Duration.ZERO, 5);
        try (FleetSimulation sim = new FleetSimulation(
                fleet,
                settings,
                Reporting.direct(),
                scenario,
                (topic, payload) -> {
                    Reading r = codec.decodeReading(payload);
                    out.put(r.meterId() + "@" + r.ts(), r);
                },
                null)) {
            sim.run();
            dark[0] = sim.dark();
        }
        return out;
    }

    @Test
    void eachAnomalyChangesItsSubjectForItsTimeOnly(@TempDir Path dir) throws Exception {
        Scenario scenario = Scenario.parse(
                List.of(
                        "type,subject,start,duration,factor",
                        "over_capacity,M00003,+1h,30m",
                        "outage,T002,+2h,15m",
                        "consumption_drop,M00005,+0h,3h,0.3",
                        "register_backwards,M00007,+1h,1h",
                        "low_pf,M00009,+30m,30m",
                        "export_non_prosumer,M00011,+0h,1h",
                        "current_no_energy,M00013,+0h,1h"),
                START);
        long[] dark = new long[1];
        Map<String, Reading> clean = run(Scenario.none(), new long[1]);
        Map<String, Reading> hit = run(scenario, dark);
        long t0 = START.toEpochMilli();

        assertThat(dark[0]).isEqualTo(50 * 15); // every meter of the second transformer, for 15 minutes
        assertThat(hit).hasSize(clean.size() - 50 * 15);
        assertThat(hit.get("M00060@" + (t0 + 2 * H))).isNull();
        assertThat(hit.get("M00060@" + (t0 + 2 * H + 15 * 60_000))).isNotNull();

        assertThat(hit.get("M00003@" + (t0 + H + 60_000)).kw()).isGreaterThanOrEqualTo(1.3 * 8);
        assertThat(hit.get("M00003@" + (t0 + 2 * H)).kw())
                .isEqualTo(clean.get("M00003@" + (t0 + 2 * H)).kw());

        // Theft: 30 % of the power, and a register that advances only by what is reported.
        Reading stolen = hit.get("M00005@" + (t0 + 2 * H));
        assertThat(stolen.kw()).isCloseTo(clean.get("M00005@" + (t0 + 2 * H)).kw() * 0.3, within(0.001));
        double hidden = 0;
        for (long ts = t0; ts < t0 + 2 * H; ts += 60_000) {
            hidden += clean.get("M00005@" + ts).kw() * 0.7 / 60;
        }
        assertThat(stolen.importKwh())
                .isCloseTo(clean.get("M00005@" + (t0 + 2 * H)).importKwh() - hidden, within(0.01));

        assertThat(hit.get("M00007@" + (t0 + H - 60_000)).importKwh())
                .isEqualTo(clean.get("M00007@" + (t0 + H - 60_000)).importKwh());
        assertThat(hit.get("M00007@" + (t0 + H)).importKwh())
                .isCloseTo(clean.get("M00007@" + (t0 + H)).importKwh() - 50, within(0.001));
        assertThat(hit.get("M00009@" + (t0 + 45 * 60_000)).pf()).isEqualTo(0.65);
        assertThat(hit.get("M00011@" + (t0 + 30 * 60_000)).kw()).isNegative();
        Reading bypass = hit.get("M00013@" + (t0 + 30 * 60_000));
        assertThat(bypass.kw()).isZero();
        assertThat(bypass.currentA()[0]).isPositive();
        assertThat(hit.get("M00013@" + (t0 + 90 * 60_000)).kw()).isPositive();

        Path truth = dir.resolve("truth.csv");
        scenario.writeGroundTruth(truth);
        assertThat(Files.readAllLines(truth, StandardCharsets.UTF_8))
                .hasSize(8)
                .contains("T002,outage," + Instant.ofEpochMilli(t0 + 2 * H) + ","
                        + Instant.ofEpochMilli(t0 + 2 * H + 15 * 60_000));
    }
}

package io.kilowatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.alerts.AlertRules;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.model.Alert;
import io.kilowatch.model.Reading;
import io.kilowatch.model.RegistryEntry;
import io.kilowatch.sim.replay.RecordedFormats;
import io.kilowatch.sim.replay.RecordedRow;
import io.kilowatch.sim.replay.Replay;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real households through the alert job (issue #13): a year of the ten London households in
 * ../shared/data (Low Carbon London, 2013, half-hourly), registered as residential customers of
 * one transformer without an area meter, through the production alert pipeline. People doing
 * ordinary things — out for the evening, away for a week, a party, a cold snap — must not be
 * called thieves or tamperers, nor spike after spike. Alerts per 1,000 meter-days by type are
 * printed for docs/alerts.md.
 */
class LondonHouseholdAlertsTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final Path DATA =
            Path.of(System.getProperty("kw.shared.data", "../../shared/data"), "lcl-london-sample");

    @Test
    void aYearOfRealHouseholdsIsNotCalledThievesOrSpikes() throws Exception {
        List<Path> households;
        try (Stream<Path> files = Files.list(DATA)) {
            households =
                    files.filter(f -> f.toString().endsWith(".csv")).sorted().toList();
        }
        List<RecordedRow> rows = new ArrayList<>();
        for (Path h : households) {
            rows.addAll(RecordedFormats.lcl(
                    h, Instant.parse("2013-01-01T00:00:00Z"), Instant.parse("2014-01-01T00:00:00Z")));
        }
        List<Reading> readings = Replay.readings(rows, 1_800_000, 0, "");
        List<RegistryEntry> registry = rows.stream()
                .map(RecordedRow::meterId)
                .distinct()
                // A London household on a 60 A single-phase supply (13.8 kVA), one transformer without an area meter.
                .map(m -> new RegistryEntry(
                        m, "C-" + m, "residential", "LCL-T1", "LCL-F1", "london", "zj-res-tier", 13.8, 500, 230, 1))
                .toList();
        Map<String, long[]> days = new TreeMap<>();
        rows.forEach(r -> days.computeIfAbsent(r.meterId(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE}));
        rows.forEach(r -> {
            long[] span = days.get(r.meterId());
            span[0] = Math.min(span[0], r.start());
            span[1] = Math.max(span[1], r.start() + r.periodMs());
        });
        double meterDays = days.values().stream()
                .mapToDouble(s -> (s[1] - s[0]) / 86_400_000.0)
                .sum();

        List<Alert> alerts = SimulatedFleet.alertsOf(readings, registry, AlertRules.defaults());
        Map<String, Long> opened = alerts.stream()
                .filter(Alert::isOpen)
                .map(a -> a.type() + "|" + a.alertId())
                .distinct()
                .collect(Collectors.groupingBy(
                        k -> k.substring(0, k.indexOf('|')), TreeMap::new, Collectors.counting()));
        System.out.printf(
                java.util.Locale.ROOT,
                "### London households: %d households, %.0f meter-days, %d readings%n",
                days.size(),
                meterDays,
                readings.size());
        System.out.println("| alert type | alerts | per 1,000 meter-days |\n| --- | ---: | ---: |");
        opened.forEach((type, n) ->
                System.out.printf(java.util.Locale.ROOT, "| %s | %d | %.2f |%n", type, n, n * 1000 / meterDays));
        alerts.stream()
                .filter(a ->
                        a.isOpen() && (Alert.isStaffOnly(a.type()) || a.type().equals("spike")))
                .forEach(a -> System.out.println(
                        a.type() + " " + a.subjectId() + " " + Instant.ofEpochMilli(a.ts()) + " " + a.message()));

        assertThat(households).hasSize(10);
        assertThat(meterDays).as("a year of ten households").isGreaterThan(3_000);
        long staff = opened.getOrDefault("theft_suspected", 0L) + opened.getOrDefault("tamper", 0L);
        assertThat(staff * 1000 / meterDays)
                .as("theft and tamper per 1,000 meter-days")
                .isLessThan(1.0);
        assertThat(opened.getOrDefault("spike", 0L) * 1000 / meterDays)
                .as("spikes per 1,000 meter-days")
                .isLessThan(5.0);
    }
}

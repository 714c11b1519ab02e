package io.kilowatch.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.model.Reading;
import io.kilowatch.model.RegistryCsv;
import io.kilowatch.model.RegistryEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologyTest {
    private static final ZoneOffset CHINA = ZoneOffset.ofHours(8);

    @Test
    void aSeededFleetHasItsGridAndMixAndItsRegistryLoadsBack(@TempDir Path dir) throws Exception {
        Topology t = Topology.generate("M", 2_000, 7, 50, 10, 2);
        assertThat(Topology.generate("M", 2_000, 7, 50, 10, 2).meters()).isEqualTo(t.meters());
        assertThat(t.meters().stream().map(s -> s.entry().transformerId()).distinct())
                .hasSize(40);
        assertThat(t.meters().stream().map(s -> s.entry().feederId()).distinct())
                .hasSize(4);
        assertThat(t.meters().stream().map(s -> s.entry().region()).distinct()).hasSize(2);
        Map<String, Long> byClass = t.meters().stream()
                .collect(Collectors.groupingBy(s -> s.entry().customerClass(), Collectors.counting()));
        assertThat(byClass.get("residential")).isBetween(1_500L, 1_700L);
        assertThat(byClass.get("commercial")).isBetween(120L, 240L);
        assertThat(byClass.get("industrial")).isBetween(70L, 170L);
        assertThat(byClass.get("prosumer")).isBetween(50L, 150L);
        assertThat(t.meters()).anyMatch(s -> s.profile() == Topology.Profile.RESIDENTIAL_EV);

        Path csv = dir.resolve("registry.csv");
        t.writeRegistry(csv);
        assertThat(RegistryCsv.parse(Files.readAllLines(csv)))
                .containsExactlyElementsOf(
                        t.meters().stream().map(Topology.MeterSpec::entry).toList());
    }

    @Test
    void profilesLookLikeTheirCustomers() {
        LoadShape shape = new LoadShape(3, CHINA);
        long wednesday3am = Instant.parse("2026-06-16T19:00:00Z").toEpochMilli(); // Wed 03:00 local
        long wednesdayNoon = Instant.parse("2026-06-17T04:00:00Z").toEpochMilli(); // Wed 12:00 local
        long wednesday8pm = Instant.parse("2026-06-17T12:00:00Z").toEpochMilli(); // Wed 20:00 local
        double industryNight = 0;
        double industryDay = 0;
        int exporting = 0;
        for (int m = 0; m < 100; m++) {
            industryNight += shape.kw(m, Topology.Profile.INDUSTRIAL_1_SHIFT, wednesday3am);
            industryDay += shape.kw(m, Topology.Profile.INDUSTRIAL_1_SHIFT, wednesdayNoon);
            if (shape.kw(m, Topology.Profile.PROSUMER_PV, wednesdayNoon) < 0) {
                exporting++;
            }
        }
        assertThat(industryDay).isGreaterThan(5 * industryNight);
        assertThat(exporting).as("prosumers exporting at noon").isGreaterThan(30);
        double ev = 0;
        double plain = 0;
        for (int m = 0; m < 200; m++) {
            ev += shape.kw(m, Topology.Profile.RESIDENTIAL_EV, wednesday8pm);
            plain += shape.kw(m, Topology.Profile.RESIDENTIAL, wednesday8pm);
        }
        assertThat(ev - plain).as("evening charging").isGreaterThan(200 * 7 * 0.2);
    }

    @Test
    void importAndExportRegistersAdvanceByTheEnergyOfThePower() {
        Topology t = Topology.generate("P", 400, 11, 50, 10, 5);
        Fleet fleet = new Fleet(t, 11, Duration.ofMinutes(15), CHINA);
        int prosumer = t.meters()
                .indexOf(t.meters().stream()
                        .filter(s -> s.profile() == Topology.Profile.PROSUMER_PV)
                        .findFirst()
                        .orElseThrow());
        long t0 = Instant.parse("2026-06-16T16:00:00Z").toEpochMilli(); // local midnight
        Reading first = null;
        Reading last = null;
        double imported = 0;
        double exported = 0;
        for (int k = 0; k <= 96; k++) {
            Reading r = fleet.read(prosumer, t0 + k * 900_000L);
            if (first == null) {
                first = r;
            }
            if (k < 96) {
                imported += Math.max(r.kw(), 0) * 0.25;
                exported += Math.max(-r.kw(), 0) * 0.25;
            }
            last = r;
            assertThat(r.voltageV()).hasSize(1);
        }
        assertThat(exported).isPositive();
        assertThat(last.importKwh() - first.importKwh()).isCloseTo(imported, within(0.002));
        assertThat(last.exportKwh() - first.exportKwh()).isCloseTo(exported, within(0.002));
        RegistryEntry industrial = t.meters().stream()
                .map(Topology.MeterSpec::entry)
                .filter(e -> e.customerClass().equals("industrial"))
                .findFirst()
                .orElseThrow();
        assertThat(industrial.phases()).isEqualTo(3);
    }
}

package io.kilowatch.sim.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.RegistryEntry;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each transformer area has a meter that reads its customers' real load plus the line losses. */
class AreaMeterTest {
    private static final Instant START = Instant.parse("2026-06-15T16:00:00Z"); // local midnight at +08:00
    private static final long H = 3_600_000;
    private static final Topology GRID = Topology.generate("P", 100, 3, 50, 10, 5);

    private static Map<String, Reading> run(Scenario scenario) throws Exception {
        Map<String, Reading> out = new HashMap<>();
        ReadingCodec codec = new ReadingCodec();
        Fleet fleet = new Fleet(GRID, 3, Duration.ofMinutes(15), ZoneOffset.ofHours(8));
        var settings =
                new FleetSimulation.Settings(START, Duration.ofHours(24), Duration.ofMinutes(15), 0, Duration.ZERO, 3);
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
        }
        return out;
    }

    @Test
    void everyTransformerHasAnAreaMeterAfterItsCustomers() {
        assertThat(GRID.size()).isEqualTo(102);
        List<Topology.MeterSpec> areas =
                GRID.meters().stream().filter(Topology.MeterSpec::isAreaMeter).toList();
        assertThat(areas).extracting(s -> s.meterId()).containsExactly("P-R01-F01-T001-TM", "P-R01-F01-T002-TM");
        assertThat(GRID.meter(50).isAreaMeter()).isTrue();
        assertThat(GRID.meter(101).isAreaMeter()).isTrue();
        RegistryEntry e = areas.get(0).entry();
        assertThat(e.customerClass()).isEqualTo(RegistryEntry.TRANSFORMER_METER);
        assertThat(e.transformerId()).isEqualTo("R01-F01-T001");
        assertThat(e.contractedKva()).isEqualTo(e.transformerKva());
    }

    @Test
    void theAreaMeterReadsItsCustomersPlusLineLossesAndItsRegisterKeepsUp() throws Exception {
        Map<String, Reading> clean = run(Scenario.none());
        long t0 = START.toEpochMilli();
        double areaKwh = 0;
        double customersKwh = 0;
        for (long ts = t0; ts < t0 + 24 * H; ts += 900_000) {
            double sum = 0;
            for (int m = 0; m < 50; m++) {
                sum += clean.get(GRID.meter(m).meterId() + "@" + ts).kw();
            }
            Reading area = clean.get("P-R01-F01-T001-TM@" + ts);
            assertThat(area.kw()).isCloseTo(sum + Fleet.lineLossKw(sum, 630), within(0.001));
            areaKwh += area.kw() * 0.25;
            customersKwh += sum * 0.25;
        }
        double lossShare = (areaKwh - customersKwh) / areaKwh;
        assertThat(lossShare).as("technical losses over a day").isBetween(0.02, 0.06);
        Reading first = clean.get("P-R01-F01-T001-TM@" + t0);
        Reading last = clean.get("P-R01-F01-T001-TM@" + (t0 + 24 * H - 900_000));
        assertThat(last.importKwh() - first.importKwh()).isCloseTo(areaKwh - last.kw() * 0.25, within(0.01));
    }

    @Test
    void theftShowsAsLossAndATapOnTheLinesOnlyAtTheAreaMeter() throws Exception {
        String thief = GRID.meter(7).meterId();
        Scenario s = Scenario.parse(
                List.of(
                        "consumption_drop," + thief + ",+0h,24h,0.3",
                        "excess_line_loss,R01-F01-T002,+6h,6h,0.2",
                        "spike," + GRID.meter(8).meterId() + ",+2h,15m,5"),
                START);
        Map<String, Reading> clean = run(Scenario.none());
        Map<String, Reading> hit = run(s);
        long t0 = START.toEpochMilli();
        long noon = t0 + 12 * H - 900_000;

        // The thief's meter reports 30 %; its area meter still sees everything drawn.
        assertThat(hit.get(thief + "@" + noon).kw())
                .isCloseTo(clean.get(thief + "@" + noon).kw() * 0.3, within(0.001));
        assertThat(hit.get("P-R01-F01-T001-TM@" + noon).kw())
                .isEqualTo(clean.get("P-R01-F01-T001-TM@" + noon).kw());
        // A spike is real load: the area meter sees it too.
        long spike = t0 + 2 * H;
        double extra = hit.get(GRID.meter(8).meterId() + "@" + spike).kw()
                - clean.get(GRID.meter(8).meterId() + "@" + spike).kw();
        assertThat(extra).isPositive();
        assertThat(hit.get("P-R01-F01-T001-TM@" + spike).kw()
                        - clean.get("P-R01-F01-T001-TM@" + spike).kw())
                .isGreaterThan(extra);
        // The tap: the second area reads 20 % more for six hours, its customers nothing different.
        assertThat(hit.get("P-R01-F01-T002-TM@" + noon).kw())
                .isCloseTo(clean.get("P-R01-F01-T002-TM@" + noon).kw() * 1.2, within(0.002));
        assertThat(hit.get("P-R01-F01-T002-TM@" + (t0 + 13 * H)).kw())
                .isEqualTo(clean.get("P-R01-F01-T002-TM@" + (t0 + 13 * H)).kw());
        assertThat(hit.get(GRID.meter(60).meterId() + "@" + noon))
                .isEqualTo(clean.get(GRID.meter(60).meterId() + "@" + noon));
        double tapped = 0;
        for (long ts = t0 + 6 * H; ts < t0 + 12 * H; ts += 900_000) {
            tapped += clean.get("P-R01-F01-T002-TM@" + ts).kw() * 0.2 * 0.25;
        }
        long after = t0 + 13 * H;
        assertThat(hit.get("P-R01-F01-T002-TM@" + after).importKwh()
                        - clean.get("P-R01-F01-T002-TM@" + after).importKwh())
                .isCloseTo(tapped, within(0.01));
    }
}

package io.kilowatch.sim.score;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One injected anomaly as the simulator's ground-truth file lists it ({@code subject,type,start,end}),
 * and the alert type that should report it.
 */
public record GroundTruth(String subject, String type, long start, long end) {

    /**
     * Which alert reports which injected anomaly. {@code peak_heavy} is absent on purpose: a
     * customer who would save by shifting load gets a tariff hint, not an alert.
     */
    public static final Map<String, String> ALERT_FOR = Map.ofEntries(
            Map.entry("over_capacity", "over_capacity"),
            Map.entry("transformer_overload", "transformer_overload"),
            Map.entry("outage", "meter_offline"),
            Map.entry("voltage_sag", "voltage_sag"),
            Map.entry("voltage_swell", "voltage_swell"),
            Map.entry("low_pf", "low_pf"),
            Map.entry("spike", "spike"),
            Map.entry("consumption_drop", "theft_suspected"),
            Map.entry("register_backwards", "tamper"),
            Map.entry("export_non_prosumer", "tamper"),
            Map.entry("current_no_energy", "tamper"),
            Map.entry("excess_line_loss", "excess_line_loss"));

    /**
     * Which alert reports an anomaly of a whole transformer area or feeder: one incident on the
     * transformer (or feeder), its meters' alerts folded under it.
     */
    public static final Map<String, String> AREA_ALERT_FOR = Map.of(
            "outage", "area_outage",
            "voltage_sag", "area_voltage_sag",
            "voltage_swell", "area_voltage_swell");

    /** Normal behaviour injected to see that nothing reports it: it explains no alert. */
    public static final java.util.Set<String> NORMAL_BEHAVIOUR = java.util.Set.of("vacancy");

    /** The alert type expected for this anomaly, or null when no alert should report it. */
    public String expectedAlert() {
        return ALERT_FOR.get(type);
    }

    public static List<GroundTruth> load(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    public static List<GroundTruth> parse(List<String> lines) {
        List<GroundTruth> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith("subject,")) {
                continue;
            }
            String[] c = line.split(",", -1);
            if (c.length != 4) {
                throw new IllegalArgumentException("ground truth line " + (i + 1) + ": expected subject,type,start,end, got '" + line + "'");
            }
            try {
                out.add(new GroundTruth(c[0].strip(), c[1].strip(), Instant.parse(c[2].strip()).toEpochMilli(),
                        Instant.parse(c[3].strip()).toEpochMilli()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("ground truth line " + (i + 1) + " ('" + line + "'): " + e.getMessage(), e);
            }
        }
        return out;
    }
}

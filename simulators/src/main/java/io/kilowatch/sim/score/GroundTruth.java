package io.kilowatch.sim.score;

import io.kilowatch.model.AlertType;
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
            Map.entry("over_capacity", AlertType.OVER_CAPACITY.wire()),
            Map.entry("transformer_overload", AlertType.TRANSFORMER_OVERLOAD.wire()),
            Map.entry("outage", AlertType.METER_OFFLINE.wire()),
            Map.entry("voltage_sag", AlertType.VOLTAGE_SAG.wire()),
            Map.entry("voltage_swell", AlertType.VOLTAGE_SWELL.wire()),
            Map.entry("low_pf", AlertType.LOW_PF.wire()),
            Map.entry("spike", AlertType.SPIKE.wire()),
            Map.entry("consumption_drop", AlertType.THEFT_SUSPECTED.wire()),
            Map.entry("register_backwards", AlertType.TAMPER.wire()),
            Map.entry("export_non_prosumer", AlertType.TAMPER.wire()),
            Map.entry("current_no_energy", AlertType.TAMPER.wire()),
            Map.entry("excess_line_loss", AlertType.EXCESS_LINE_LOSS.wire()));

    /**
     * Which alert reports an anomaly of a whole transformer area or feeder: one incident on the
     * transformer (or feeder), its meters' alerts folded under it.
     */
    public static final Map<String, String> AREA_ALERT_FOR = Map.of(
            "outage", AlertType.AREA_OUTAGE.wire(),
            "voltage_sag", AlertType.AREA_VOLTAGE_SAG.wire(),
            "voltage_swell", AlertType.AREA_VOLTAGE_SWELL.wire());

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
                throw new IllegalArgumentException(
                        "ground truth line " + (i + 1) + ": expected subject,type,start,end, got '" + line + "'");
            }
            try {
                out.add(new GroundTruth(
                        c[0].strip(),
                        c[1].strip(),
                        Instant.parse(c[2].strip()).toEpochMilli(),
                        Instant.parse(c[3].strip()).toEpochMilli()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "ground truth line " + (i + 1) + " ('" + line + "'): " + e.getMessage(), e);
            }
        }
        return out;
    }
}

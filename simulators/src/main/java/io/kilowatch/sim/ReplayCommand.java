package io.kilowatch.sim;

import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.Topics;
import io.kilowatch.model.intake.PlausibilityRules;
import io.kilowatch.sim.mqtt.MqttPublisher;
import io.kilowatch.sim.replay.RecordedFormats;
import io.kilowatch.sim.replay.RecordedRow;
import io.kilowatch.sim.replay.Replay;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Publishes recorded meter data to MQTT (QoS 1) as the meters would have sent it.",
            "Formats: lcl (Smart meters in London: LCLid,tstp,energy(kWh/hh)), eld (ElectricityLoadDiagrams:",
            "';'-separated, one kW column per meter), sgcc (State Grid theft data: CONS_NO,FLAG,daily kWh per date).",
            "Each recorded period is split into readings every --resolution with its average power and a register",
            "that advances by the recorded energy; missing values stay missing. Old data is moved to recent days",
            "(--shift auto) so the bridge's age horizon accepts it."
        })
public final class ReplayCommand implements Callable<Integer> {

    @Mixin
    RecordedInput in;

    @Mixin
    MqttOptions broker = new MqttOptions();

    @Option(names = "--format", required = true, description = "lcl, eld or sgcc.")
    String format;

    @Option(
            names = "--shift",
            defaultValue = "auto",
            description =
                    "Move timestamps: auto (whole days, so the last reading is within the last day), none, or a duration like P365D.")
    String shift;

    @Option(
            names = "--speed",
            defaultValue = "0",
            description = "Simulated seconds per wall-clock second; 0 = as fast as possible (default).")
    double speed;

    @Option(
            names = "--bridge-max-age",
            defaultValue = "${env:KW_INGEST_MAX_AGE:-" + PlausibilityRules.DEFAULT_MAX_AGE + "}",
            description =
                    "The bridge's age horizon (its ingest.max-age; 0s for none): a range it would dead-letter is refused"
                            + " before anything is published (default: ${DEFAULT-VALUE}).")
    Duration bridgeMaxAge;

    @Option(
            names = "--bridge-max-clock-skew",
            defaultValue = "${env:KW_INGEST_MAX_CLOCK_SKEW:-" + PlausibilityRules.DEFAULT_MAX_CLOCK_SKEW + "}",
            description =
                    "The bridge's ingest.max-clock-skew: readings moved further into the future are refused (default: ${DEFAULT-VALUE}).")
    Duration bridgeMaxClockSkew;

    @Option(
            names = "--event-time-spread",
            defaultValue = "30s",
            description =
                    "Over several connections, no connection falls further behind another in event time than this (a publish"
                            + " waits for earlier ones' acknowledgements), so the pipeline's out-of-orderness (time.out-of-orderness, 2m)"
                            + " holds at full speed; 0s for no bound (default: ${DEFAULT-VALUE}).")
    Duration eventTimeSpread;

    @Option(
            names = "--record",
            description = "Write every published reading, exactly as sent, as JSON lines to this file.")
    Path record;

    @Option(
            names = "--ground-truth",
            description = "sgcc: write the theft labels as a ground-truth CSV (subject,type,start,end).")
    Path groundTruth;

    @Override
    public Integer call() throws Exception {
        RecordedFormats.Sgcc recorded = RecordedFormats.read(format, in.files, in.zone, in.from, in.to);
        List<RecordedRow> rows = recorded.rows();
        Map<String, Boolean> theft = recorded.theft();
        if (rows.isEmpty()) {
            System.err.println("replay: no rows in " + in.files + " between " + in.from + " and " + in.to);
            return 1;
        }
        long last = rows.stream().mapToLong(r -> r.start() + r.periodMs()).max().orElseThrow();
        long shiftMs = switch (shift) {
            case "auto" -> Replay.recentShift(last, System.currentTimeMillis());
            case "none" -> 0;
            default ->
                io.kilowatch.model.Settings.parseDuration("--shift", shift).toMillis();
        };
        List<Reading> readings = Replay.readings(rows, in.resolution.toMillis(), shiftMs, in.idPrefix);
        String refusal = Replay.refusal(readings, System.currentTimeMillis(), bridgeMaxAge, bridgeMaxClockSkew);
        if (refusal != null) {
            System.err.println("replay: " + refusal);
            return 2;
        }
        if (groundTruth != null) {
            writeGroundTruth(theft, rows, shiftMs);
        }
        System.out.printf(
                "replay: %d rows from %d files -> %d readings, shifted by %d days, to %s%n",
                rows.size(), in.files.size(), readings.size(), shiftMs / 86_400_000, broker.url());
        ReadingCodec codec = new ReadingCodec();
        long began = System.nanoTime();
        long first = readings.get(0).ts();
        try (MqttPublisher mqtt = new MqttPublisher(
                        broker.endpoint(),
                        "kilowatch-replay-" + ProcessHandle.current().pid(),
                        broker.connections(),
                        eventTimeSpread);
                BufferedWriter rec = record == null ? null : Files.newBufferedWriter(record, StandardCharsets.UTF_8)) {
            for (Reading r : readings) {
                if (speed > 0) {
                    long due = began + (long) ((r.ts() - first) * 1_000_000L / speed);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                byte[] payload = codec.encode(r);
                mqtt.publish(Topics.meterReadingTopic(r.meterId()), payload, r.ts());
                if (rec != null) {
                    rec.write(new String(payload, StandardCharsets.UTF_8));
                    rec.newLine();
                }
            }
            mqtt.awaitAllAcknowledged(Duration.ofSeconds(60));
            System.out.printf(
                    "replay: done, published %d readings, %d acknowledged by the broker, %d failed, in %.1f s%n",
                    readings.size(), mqtt.acked(), mqtt.failed(), (System.nanoTime() - began) / 1e9);
            return mqtt.failed() == 0 && mqtt.acked() == readings.size() ? 0 : 1;
        }
    }

    private void writeGroundTruth(Map<String, Boolean> theft, List<RecordedRow> rows, long shiftMs) throws Exception {
        long start = rows.stream().mapToLong(RecordedRow::start).min().orElseThrow() + shiftMs;
        long end = rows.stream().mapToLong(r -> r.start() + r.periodMs()).max().orElseThrow() + shiftMs;
        List<String> lines = new ArrayList<>();
        lines.add("subject,type,start,end");
        theft.forEach((customer, stole) -> {
            if (stole) {
                lines.add(in.idPrefix + customer + ",theft," + Instant.ofEpochMilli(start) + ","
                        + Instant.ofEpochMilli(end));
            }
        });
        Files.write(groundTruth, lines, StandardCharsets.UTF_8);
    }
}

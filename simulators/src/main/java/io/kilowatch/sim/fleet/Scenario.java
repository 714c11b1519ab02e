package io.kilowatch.sim.fleet;

import io.kilowatch.model.Reading;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Anomalies injected into a fleet on a schedule, and the ground truth of what was injected.
 *
 * <p>A scenario file has one anomaly per line: {@code type,subject,start,duration[,factor]};
 * {@code start} is an ISO-8601 instant or an offset from the simulation's start ({@code +2h});
 * {@code subject} is a meter id or, for {@code outage}, {@code transformer_overload},
 * {@code voltage_sag} and {@code voltage_swell}, a transformer id (every meter under it) or, for
 * {@code outage} and the voltage types, a feeder id (every meter of its transformers). Types
 * and what the meters report while they last:
 * <ul>
 *   <li>{@code over_capacity}: load raised to {@code factor} (default 1.3) × the contracted kVA;</li>
 *   <li>{@code transformer_overload}: every meter's load × {@code factor} (default 3);</li>
 *   <li>{@code outage}: nothing at all (the meters are dark);</li>
 *   <li>{@code voltage_sag} / {@code voltage_swell}: voltage × 0.85 / × 1.12;</li>
 *   <li>{@code low_pf}: power factor 0.65, reactive power to match;</li>
 *   <li>{@code spike}: load × {@code factor} (default 5);</li>
 *   <li>{@code consumption_drop} (bypass, theft): the meter reports {@code factor} (default 0.3)
 *       of what is consumed, its register advancing by what it reports;</li>
 *   <li>{@code register_backwards} (tamper): the register drops by 50 kWh at the start and
 *       counts on from there;</li>
 *   <li>{@code export_non_prosumer} (tamper): negative power on a meter without generation;</li>
 *   <li>{@code current_no_energy} (tamper, bypass): current flows while power reads zero;</li>
 *   <li>{@code peak_heavy}: load moved into the expensive hours of the customer's own plan (the
 *       periods priced above the day's average, from the tariff catalogue: critical and peak for
 *       Hubei's plans, 08–22 for Zhejiang's time of use): × {@code factor} (default 2) there,
 *       ÷ factor elsewhere (a customer who would save by shifting); a plan with one price all
 *       day has no expensive hours, so the customer is told nothing to shift;</li>
 *   <li>{@code vacancy}: the customer really uses less, load × {@code factor} (default 0.2), the
 *       household away or the shop shut: normal behaviour that no alert should report (a
 *       theft alert on it is a false one);</li>
 *   <li>{@code excess_line_loss} (subject: a transformer): energy leaves the area's lines before
 *       any customer meter (an illegal tap): the area meter reads {@code factor} (default 0.15)
 *       of its load more, its register advancing by it.</li>
 * </ul>
 * Over capacity, transformer overload, spikes, vacancy and peak-heavy change what is really drawn, so a
 * transformer's area meter sees them ({@link #drawn}); the others change only what a meter
 * reports. An area outage darkens the area meter too.
 * The ground truth ({@link #writeGroundTruth}) lists {@code subject,type,start,end} per line.
 */
public final class Scenario {
    public static final List<String> TYPES = List.of(
            "over_capacity",
            "transformer_overload",
            "outage",
            "voltage_sag",
            "voltage_swell",
            "low_pf",
            "spike",
            "consumption_drop",
            "register_backwards",
            "export_non_prosumer",
            "current_no_energy",
            "peak_heavy",
            "excess_line_loss",
            "vacancy");
    private static final List<String> AREA_TYPES =
            List.of("outage", "transformer_overload", "voltage_sag", "voltage_swell", "excess_line_loss");
    /** Area types a feeder can have as its subject: what a fault upstream of the transformers does to all of them. */
    private static final List<String> FEEDER_TYPES = List.of("outage", "voltage_sag", "voltage_swell");
    /** Anomalies of the load itself, not of its metering. */
    private static final List<String> DRAWN_TYPES =
            List.of("over_capacity", "transformer_overload", "spike", "peak_heavy", "vacancy");

    public record Anomaly(String type, String subject, long start, long end, double factor) {
        boolean active(long ts) {
            return ts >= start && ts < end;
        }
    }

    private final List<Anomaly> anomalies;
    /** The catalogue whose plans say which hours are expensive (peak_heavy); the sample unless set. */
    private io.kilowatch.model.tariff.TariffCatalogue tariffs;

    private final Map<String, Double> hiddenKwh = new HashMap<>();
    private final Map<String, Double> registerDrop = new HashMap<>();
    private final Map<String, Double> tappedKwh = new HashMap<>();

    public Scenario(List<Anomaly> anomalies) {
        this.anomalies = List.copyOf(anomalies);
    }

    /** The plans the fleet's customers are on: where {@code peak_heavy} puts their load. */
    public Scenario withTariffs(io.kilowatch.model.tariff.TariffCatalogue catalogue) {
        this.tariffs = catalogue;
        return this;
    }

    public static Scenario none() {
        return new Scenario(List.of());
    }

    public static Scenario parse(List<String> lines, Instant simulationStart) {
        List<Anomaly> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()
                    || line.startsWith("#")
                    || line.toLowerCase(Locale.ROOT).startsWith("type,")) {
                continue;
            }
            String[] c = line.split(",", -1);
            try {
                String type = c[0].strip();
                if (!TYPES.contains(type)) {
                    throw new IllegalArgumentException("unknown type '" + type + "', one of " + TYPES);
                }
                String at = c[2].strip();
                long start = at.startsWith("+")
                        ? simulationStart.toEpochMilli() + parseDuration(at.substring(1))
                        : Instant.parse(at).toEpochMilli();
                long end = start + parseDuration(c[3].strip());
                double factor = c.length > 4 && !c[4].isBlank() ? Double.parseDouble(c[4].strip()) : Double.NaN;
                out.add(new Anomaly(type, c[1].strip(), start, end, factor));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "scenario line " + (i + 1) + " ('" + line + "'): " + e.getMessage(), e);
            }
        }
        return new Scenario(out);
    }

    public static Scenario load(Path file, Instant simulationStart) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), simulationStart);
    }

    private static long parseDuration(String s) {
        return io.kilowatch.model.Settings.parseDuration("scenario duration", s).toMillis();
    }

    public List<Anomaly> anomalies() {
        return anomalies;
    }

    /**
     * What customer meter {@code spec} really draws: reading {@code r} with the anomalies of the
     * load itself applied. Its transformer's area meter sees this; {@link #apply} then turns it
     * into what the meter reports. An area meter's reading is returned as is: its load is its
     * customers', already changed.
     */
    public Reading drawn(Topology.MeterSpec spec, Reading r, java.time.ZoneOffset zone) {
        if (spec.isAreaMeter()) {
            return r;
        }
        Reading out = r;
        for (Anomaly a : anomalies) {
            if (DRAWN_TYPES.contains(a.type()) && touches(a, spec) && a.active(r.ts())) {
                out = withKw(out, drawn(a, spec, out.kw(), r.ts(), zone));
            }
        }
        return out;
    }

    private static boolean touches(Anomaly a, Topology.MeterSpec spec) {
        return a.subject().equals(spec.meterId())
                || (AREA_TYPES.contains(a.type())
                        && a.subject().equals(spec.entry().transformerId()))
                || (FEEDER_TYPES.contains(a.type())
                        && a.subject().equals(spec.entry().feederId()));
    }

    private double drawn(Anomaly a, Topology.MeterSpec spec, double kw, long ts, java.time.ZoneOffset zone) {
        return switch (a.type()) {
            case "over_capacity" ->
                Math.max(kw, or(a.factor(), 1.3) * spec.entry().contractedKva());
            case "transformer_overload" -> kw * or(a.factor(), 3);
            case "spike" -> kw * or(a.factor(), 5);
            case "vacancy" -> kw * or(a.factor(), 0.2);
            case "peak_heavy" ->
                expensive(spec.entry().tariffPlanId(), ts) ? kw * or(a.factor(), 2) : kw / or(a.factor(), 2);
            default -> kw;
        };
    }

    /** Whether {@code ts} is in an expensive period of plan {@code planId} (false for a plan the catalogue lacks). */
    private boolean expensive(String planId, long ts) {
        if (tariffs == null) {
            tariffs = io.kilowatch.model.tariff.TariffCatalogue.sample();
        }
        io.kilowatch.model.tariff.TariffPlan plan = planId == null ? null : tariffs.plan(planId);
        if (plan == null) {
            return false;
        }
        java.time.ZonedDateTime local = Instant.ofEpochMilli(ts).atZone(plan.zone());
        java.time.LocalDate date = local.toLocalDate();
        io.kilowatch.model.tariff.PlanVersion v = plan.versionOn(date);
        v = v == null ? plan.versions().get(0) : v;
        int period =
                v.calendar().scheduleOf(date)[io.kilowatch.model.tariff.PlanCalendar.quarterOf(local.toLocalTime())];
        return v.pricedAboveAverage(date)[period];
    }

    /**
     * What a meter reports at {@code r.ts()}, given what it drew ({@link #drawn}) and the anomalies
     * of its metering: the reading changed, or null when the meter is dark. Call in time order per
     * meter.
     */
    public Reading apply(Topology.MeterSpec spec, Reading r, double periodHours, java.time.ZoneOffset zone) {
        Reading out = r;
        boolean area = spec.isAreaMeter();
        for (Anomaly a : anomalies) {
            if (DRAWN_TYPES.contains(a.type()) || !touches(a, spec)) {
                continue; // the load itself: in what was drawn already
            }
            if (!area && a.type().equals("excess_line_loss")) {
                continue; // a tap on the lines is seen by the area meter only
            }
            if (a.type().equals("register_backwards") && r.ts() >= a.start()) {
                registerDrop.put(spec.meterId(), 50.0); // permanent from the start on
            }
            if (!a.active(r.ts())) {
                continue;
            }
            out = switch (a.type()) {
                case "outage" -> null;
                case "voltage_sag" -> withVolts(out, 0.85);
                case "voltage_swell" -> withVolts(out, 1.12);
                case "low_pf" ->
                    new Reading(
                            out.meterId(),
                            out.ts(),
                            out.kw(),
                            out.importKwh(),
                            out.exportKwh(),
                            round3(Math.abs(out.kw()) * Math.tan(Math.acos(0.65))),
                            out.voltageV(),
                            out.currentA(),
                            0.65);
                case "consumption_drop" -> {
                    double f = or(a.factor(), 0.3);
                    hiddenKwh.merge(spec.meterId(), Math.max(out.kw(), 0) * (1 - f) * periodHours, Double::sum);
                    yield withKw(out, out.kw() * f);
                }
                case "export_non_prosumer" -> withKw(out, -Math.abs(out.kw()));
                case "current_no_energy" -> withKw(out, 0.0);
                case "excess_line_loss" -> {
                    double f = or(a.factor(), 0.15);
                    tappedKwh.merge(spec.meterId(), Math.max(out.kw(), 0) * f * periodHours, Double::sum);
                    yield withKw(out, out.kw() * (1 + f));
                }
                default -> out;
            };
            if (out == null) {
                return null;
            }
        }
        if (out != null && out.importKwh() != null) {
            double shift = tappedKwh.getOrDefault(spec.meterId(), 0.0)
                    - hiddenKwh.getOrDefault(spec.meterId(), 0.0)
                    - registerDrop.getOrDefault(spec.meterId(), 0.0);
            if (shift != 0) {
                out = new Reading(
                        out.meterId(),
                        out.ts(),
                        out.kw(),
                        round3(Math.max(0, out.importKwh() + shift)),
                        out.exportKwh(),
                        out.kvar(),
                        out.voltageV(),
                        out.currentA(),
                        out.pf());
            }
        }
        return out;
    }

    /**
     * The same reading with another power; current and reactive power follow it (the power factor
     * stays), except where the anomaly is that they do not.
     */
    private static Reading withKw(Reading r, double kw) {
        double[] a = r.currentA() == null ? null : r.currentA().clone();
        Double kvar = r.kvar();
        if (kw != 0 && r.kw() != 0) {
            double f = Math.abs(kw / r.kw());
            if (a != null) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = round3(a[i] * f);
                }
            }
            kvar = kvar == null ? null : round3(kvar * f);
        }
        return new Reading(
                r.meterId(), r.ts(), round3(kw), r.importKwh(), r.exportKwh(), kvar, r.voltageV(), a, r.pf());
    }

    private static Reading withVolts(Reading r, double factor) {
        double[] v = r.voltageV() == null ? null : r.voltageV().clone();
        if (v != null) {
            for (int i = 0; i < v.length; i++) {
                v[i] = round3(v[i] * factor);
            }
        }
        return new Reading(
                r.meterId(), r.ts(), r.kw(), r.importKwh(), r.exportKwh(), r.kvar(), v, r.currentA(), r.pf());
    }

    private static double or(double v, double fallback) {
        return Double.isNaN(v) ? fallback : v;
    }

    private static double round3(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    /** {@code subject,type,start,end} of every anomaly, ISO-8601 instants: what {@code score} compares alerts with. */
    public void writeGroundTruth(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("subject,type,start,end");
        for (Anomaly a : anomalies) {
            lines.add(a.subject() + "," + a.type() + "," + Instant.ofEpochMilli(a.start()) + ","
                    + Instant.ofEpochMilli(a.end()));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}

package io.kilowatch.sim.score;

import io.kilowatch.model.Alert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compares the alerts a run produced with what was injected into it.
 *
 * <p>Rules (docs/simulators.md): only OPEN events count, once per {@code alertId} (delivery is
 * at least once). An alert <em>matches</em> an anomaly when its type is the one that should
 * report the anomaly ({@link GroundTruth#expectedAlert}; for an outage or a voltage anomaly of a
 * whole transformer area or feeder, the area incident: {@link GroundTruth#AREA_ALERT_FOR}), it
 * names the anomaly's subject — or a meter under that transformer — and it opened between the
 * anomaly's start and its end plus {@code grace} (detectors need some data before they can be
 * sure, and an outage is only visible once readings are missing). What staff read are incidents:
 * an alert folded under another ({@code parentId}) is counted as <em>folded</em>, not as an alert
 * of precision; it still detects its anomaly (recall), since it was reported, under its incident.
 * <ul>
 *   <li>explained: an alert that matches no anomaly of its type but names the subject (or area) of
 *       another anomaly while it lasts (+ grace) — a customer whose load the scenario tripled is
 *       really over capacity. Reported, and left out of precision. Normal behaviour injected on
 *       purpose ({@link GroundTruth#NORMAL_BEHAVIOUR}: a vacancy) explains nothing;</li>
 *   <li>precision of a type: alerts of the type that match some anomaly / alerts of the type that
 *       are not explained;</li>
 *   <li>recall of a type: anomalies expecting the type that some alert matches / those anomalies;</li>
 *   <li>detection delay: for each detected anomaly, the first matching alert's event time minus
 *       the anomaly's start; median and maximum.</li>
 * </ul>
 */
public final class Scorer {
    /** One alert type's figures. {@code precision}/{@code recall} are NaN when there is nothing to divide by. */
    public record Row(
            String alertType,
            int alerts,
            int truePositives,
            int explained,
            int anomalies,
            int detected,
            List<Long> delaysMs,
            int folded) {
        /** True positives among the alerts that are not explained by another anomaly. */
        public double precision() {
            return alerts - explained == 0 ? Double.NaN : (double) truePositives / (alerts - explained);
        }

        public double recall() {
            return anomalies == 0 ? Double.NaN : (double) detected / anomalies;
        }

        public long medianDelayMs() {
            if (delaysMs.isEmpty()) {
                return -1;
            }
            List<Long> sorted = delaysMs.stream().sorted().toList();
            return sorted.get((sorted.size() - 1) / 2);
        }

        public long maxDelayMs() {
            return delaysMs.stream().mapToLong(Long::longValue).max().orElse(-1);
        }
    }

    /** The figures per alert type, and the anomalies no alert is meant for (by type, with counts). */
    public record Result(List<Row> rows, Map<String, Integer> notScored) {}

    private final Duration grace;
    private final Map<String, String> transformerOfMeter;
    private final Map<String, String> feederOfTransformer;

    /** @param transformerOfMeter meterId → transformerId, from the registry (empty: area anomalies match transformer-level alerts only) */
    public Scorer(Duration grace, Map<String, String> transformerOfMeter) {
        this(grace, transformerOfMeter, Map.of());
    }

    /** @param feederOfTransformer transformerId → feederId, from the registry: which subjects are feeders */
    public Scorer(Duration grace, Map<String, String> transformerOfMeter, Map<String, String> feederOfTransformer) {
        this.grace = grace;
        this.transformerOfMeter = Map.copyOf(transformerOfMeter);
        this.feederOfTransformer = Map.copyOf(feederOfTransformer);
    }

    /** The grid of a registry's entries: meter → transformer and transformer → feeder. */
    public static Scorer of(Duration grace, Collection<io.kilowatch.model.RegistryEntry> registry) {
        Map<String, String> transformerOf = new java.util.HashMap<>();
        Map<String, String> feederOf = new java.util.HashMap<>();
        for (io.kilowatch.model.RegistryEntry e : registry) {
            if (e.transformerId() != null) {
                transformerOf.put(e.meterId(), e.transformerId());
                if (e.feederId() != null) {
                    feederOf.put(e.transformerId(), e.feederId());
                }
            }
        }
        return new Scorer(grace, transformerOf, feederOf);
    }

    /** The alert type that should report an anomaly, given what its subject is; null when none should. */
    String expected(GroundTruth g) {
        String area = GroundTruth.AREA_ALERT_FOR.get(g.type());
        if (area != null
                && (transformerOfMeter.containsValue(g.subject()) || feederOfTransformer.containsValue(g.subject()))) {
            return area;
        }
        return g.expectedAlert();
    }

    public Result score(List<GroundTruth> truth, Collection<Alert> alerts) {
        List<Alert> opened = openedOnce(alerts);
        Set<String> types = new TreeSet<>();
        Map<String, Integer> notScored = new TreeMap<>();
        for (GroundTruth g : truth) {
            if (expected(g) == null) {
                notScored.merge(g.type(), 1, Integer::sum);
            } else {
                types.add(expected(g));
            }
        }
        opened.forEach(a -> types.add(a.type()));

        List<Row> rows = new ArrayList<>();
        for (String type : types) {
            List<Alert> everyOfType =
                    opened.stream().filter(a -> a.type().equals(type)).toList();
            List<Alert> ofType =
                    everyOfType.stream().filter(a -> a.parentId() == null).toList();
            List<GroundTruth> expecting =
                    truth.stream().filter(g -> type.equals(expected(g))).toList();
            int truePositives = (int) ofType.stream()
                    .filter(a -> expecting.stream().anyMatch(g -> matches(a, g)))
                    .count();
            int explained = (int) ofType.stream()
                    .filter(a -> expecting.stream().noneMatch(g -> matches(a, g))
                            && truth.stream().anyMatch(g -> coincides(a, g)))
                    .count();
            List<Long> delays = new ArrayList<>();
            for (GroundTruth g : expecting) {
                everyOfType.stream()
                        .filter(a -> matches(a, g))
                        .mapToLong(Alert::ts)
                        .min()
                        .ifPresent(first -> delays.add(first - g.start()));
            }
            rows.add(new Row(
                    type,
                    ofType.size(),
                    truePositives,
                    explained,
                    expecting.size(),
                    delays.size(),
                    List.copyOf(delays),
                    everyOfType.size() - ofType.size()));
        }
        return new Result(rows, notScored);
    }

    boolean matches(Alert a, GroundTruth g) {
        if (!a.type().equals(expected(g)) || a.ts() < g.start() || a.ts() > g.end() + grace.toMillis()) {
            return false;
        }
        return a.subjectId().equals(g.subject())
                || (a.level() != null
                        && a.level().equals("meter")
                        && g.subject().equals(transformerOfMeter.get(a.subjectId())));
    }

    /** Whether an alert is about the subject of an anomaly (the same meter, its area, its area's meters) while it lasts. */
    boolean coincides(Alert a, GroundTruth g) {
        if (GroundTruth.NORMAL_BEHAVIOUR.contains(g.type())) {
            return false; // a customer away is no reason for an alert
        }
        if (a.ts() < g.start() || a.ts() > g.end() + grace.toMillis()) {
            return false;
        }
        String alertArea = "transformer".equals(a.level()) ? a.subjectId() : transformerOfMeter.get(a.subjectId());
        String anomalyArea = transformerOfMeter.getOrDefault(g.subject(), g.subject());
        String alertFeeder = "feeder".equals(a.level())
                ? a.subjectId()
                : alertArea == null ? null : feederOfTransformer.get(alertArea);
        return a.subjectId().equals(g.subject())
                || (alertArea != null && alertArea.equals(anomalyArea))
                || (alertFeeder != null && alertFeeder.equals(g.subject()));
    }

    private static List<Alert> openedOnce(Collection<Alert> alerts) {
        Map<String, Alert> first = new LinkedHashMap<>();
        for (Alert a : alerts) {
            if (a.isOpen()) {
                first.putIfAbsent(a.alertId(), a);
            }
        }
        return List.copyOf(first.values());
    }

    /** Markdown table of a result, for the console and report.md. */
    public static String markdown(Result r, Duration grace) {
        StringBuilder b = new StringBuilder();
        b.append(
                "| alert type | alerts | true positives | explained | precision | anomalies | detected | recall | delay median | delay max | folded |\n");
        b.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (Row row : r.rows()) {
            b.append("| ")
                    .append(row.alertType())
                    .append(" | ")
                    .append(row.alerts())
                    .append(" | ")
                    .append(row.truePositives())
                    .append(" | ")
                    .append(row.explained())
                    .append(" | ")
                    .append(ratio(row.precision()))
                    .append(" | ")
                    .append(row.anomalies())
                    .append(" | ")
                    .append(row.detected())
                    .append(" | ")
                    .append(ratio(row.recall()))
                    .append(" | ")
                    .append(delay(row.medianDelayMs()))
                    .append(" | ")
                    .append(delay(row.maxDelayMs()))
                    .append(" | ")
                    .append(row.folded())
                    .append(" |\n");
        }
        b.append(
                        "\nAn alert matches an anomaly when it has the expected type, names the anomaly's subject (or a meter in its")
                .append(" transformer area) and opened between the anomaly's start and its end + ")
                .append(grace)
                .append(
                        ". Explained: alerts of other types about an anomaly's subject or area while it lasted (a tripled load"
                                + " is also over capacity), left out of precision. Folded: alerts of the type sent under an incident (a meter's"
                                + " outage under its area's), not counted as alerts. Delays are event time from the anomaly's start to the first"
                                + " matching alert.\n");
        if (!r.notScored().isEmpty()) {
            b.append("\nNot scored against alerts (reported by tariff hints instead): ")
                    .append(r.notScored())
                    .append('\n');
        }
        return b.toString();
    }

    /** CSV of a result: one line per alert type. */
    public static String csv(Result r) {
        StringBuilder b = new StringBuilder(
                "alert_type,alerts,true_positives,precision,anomalies,detected,recall,delay_median_s,delay_max_s,explained,folded\n");
        for (Row row : r.rows()) {
            b.append(String.join(
                            ",",
                            row.alertType(),
                            Integer.toString(row.alerts()),
                            Integer.toString(row.truePositives()),
                            csvRatio(row.precision()),
                            Integer.toString(row.anomalies()),
                            Integer.toString(row.detected()),
                            csvRatio(row.recall()),
                            csvSeconds(row.medianDelayMs()),
                            csvSeconds(row.maxDelayMs()),
                            Integer.toString(row.explained()),
                            Integer.toString(row.folded())))
                    .append('\n');
        }
        return b.toString();
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "–" : String.format(java.util.Locale.ROOT, "%.2f", v);
    }

    private static String csvRatio(double v) {
        return Double.isNaN(v) ? "" : String.format(java.util.Locale.ROOT, "%.4f", v);
    }

    private static String delay(long ms) {
        return ms < 0 ? "–" : Duration.ofMillis(ms).toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }

    private static String csvSeconds(long ms) {
        return ms < 0 ? "" : String.format(java.util.Locale.ROOT, "%.3f", ms / 1000.0);
    }
}

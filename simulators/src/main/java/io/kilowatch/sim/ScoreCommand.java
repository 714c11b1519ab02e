package io.kilowatch.sim;

import io.kilowatch.model.Alert;
import io.kilowatch.model.Hint;
import io.kilowatch.model.RegistryCsv;
import io.kilowatch.model.RegistryEntry;
import io.kilowatch.sim.score.AlertLog;
import io.kilowatch.sim.score.GroundTruth;
import io.kilowatch.sim.score.HintScorer;
import io.kilowatch.sim.score.Scorer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Compares the alerts of a run (kw.alerts, or a JSON-lines file) with the ground truth a fleet run wrote",
            "(--ground-truth of `fleet`) and reports, per alert type, precision, recall and detection delay;",
            "and the tariff hints (kw.hints) against the injected peak_heavy customers.",
            "Prints a Markdown table; with --out also writes score.md and score.csv there."
        })
public final class ScoreCommand implements Callable<Integer> {

    @Mixin
    KafkaOption kafka;

    @Option(names = "--ground-truth", required = true, description = "The ground-truth file (subject,type,start,end).")
    Path groundTruth;

    @Option(
            names = "--registry",
            description =
                    "The fleet's registry CSV: lets a meter's alert count for an anomaly of its whole transformer area.")
    Path registry;

    @Option(names = "--alerts-file", description = "Read alerts from this JSON-lines file instead of Kafka.")
    Path alertsFile;

    @Option(
            names = "--alerts-topic",
            defaultValue = "${env:KW_KAFKA_TOPIC_ALERTS:-kw.alerts}",
            description = "Alerts topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(names = "--hints-file", description = "Read hints from this JSON-lines file instead of Kafka.")
    Path hintsFile;

    @Option(
            names = "--hints-topic",
            defaultValue = "${env:KW_KAFKA_TOPIC_HINTS:-kw.hints}",
            description = "Hints topic (default: ${DEFAULT-VALUE}).")
    String hintsTopic;

    @Option(
            names = "--hint-grace",
            defaultValue = "P1D",
            description =
                    "How long after a peak_heavy anomaly ends a shift hint still counts for it (default: ${DEFAULT-VALUE}).")
    Duration hintGrace;

    @Option(
            names = "--grace",
            defaultValue = "PT15M",
            description = "How long after an anomaly ends an alert still counts for it (default: ${DEFAULT-VALUE}).")
    Duration grace;

    @Option(names = "--out", description = "Folder for score.md and score.csv.")
    Path out;

    @Override
    public Integer call() throws Exception {
        List<GroundTruth> truth = GroundTruth.load(groundTruth);
        List<RegistryEntry> entries =
                registry == null ? List.of() : RegistryCsv.parse(Files.readAllLines(registry, StandardCharsets.UTF_8));
        Map<String, String> customerOf = new HashMap<>();
        entries.forEach(e -> customerOf.put(e.meterId(), e.customerId()));
        List<Alert> alerts = alertsFile != null
                ? AlertLog.ALERTS.fromFile(alertsFile)
                : AlertLog.ALERTS.fromKafka(kafka.bootstrap(), topic);
        Scorer.Result result = Scorer.of(grace, entries).score(truth, alerts);
        List<Hint> hints = hintsFile != null
                ? AlertLog.HINTS.fromFile(hintsFile)
                : AlertLog.HINTS.fromKafka(kafka.bootstrap(), hintsTopic);
        HintScorer.Result hinted = new HintScorer(hintGrace, customerOf).score(truth, hints);
        String md = "# Alert score\n\n" + truth.size() + " injected anomalies (" + groundTruth + "), " + alerts.size()
                + " alert events (" + (alertsFile != null ? alertsFile : kafka.bootstrap() + " " + topic) + ").\n\n"
                + Scorer.markdown(result, grace)
                + "\n# Hint score\n\n" + hints.size() + " hints ("
                + (hintsFile != null ? hintsFile : kafka.bootstrap() + " " + hintsTopic) + ").\n\n"
                + HintScorer.markdown(hinted);
        System.out.print(md);
        if (out != null) {
            Files.createDirectories(out);
            Files.writeString(out.resolve("score.md"), md, StandardCharsets.UTF_8);
            Files.writeString(out.resolve("score.csv"), Scorer.csv(result), StandardCharsets.UTF_8);
        }
        return 0;
    }
}

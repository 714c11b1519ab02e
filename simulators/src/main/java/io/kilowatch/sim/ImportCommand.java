package io.kilowatch.sim;

import io.kilowatch.model.RejectReason;
import io.kilowatch.model.Topics;
import io.kilowatch.model.intake.PlausibilityRules;
import io.kilowatch.sim.history.HistoryImport;
import io.kilowatch.sim.history.Judged;
import io.kilowatch.sim.history.KafkaImportWriter;
import io.kilowatch.sim.replay.RecordedFormats;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code import}: a utility's recorded history straight into kw.readings, judged by the bridge's
 * rules (docs/importing-history.md). Then {@code --backfill FROM TO} computes it.
 */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        description = {
            "Writes recorded readings straight to kw.readings, judged by the same rules and dead-letter reasons as the",
            "bridge (bad ones to kw.readings.dlq with their reason), in event-time order, and prints counts that reconcile:",
            "read = accepted + dead-lettered + outside --from/--to. Timestamps are kept as recorded.",
            "Formats: csv (a header, then meterId,ts,kw[,importKwh,exportKwh,kvar,pf]; ts epoch ms or ISO-8601),",
            "and replay's lcl, eld, sgcc. Then compute the range: flink-jobs' --backfill FROM TO (docs/importing-history.md)."
        })
public final class ImportCommand implements Callable<Integer> {

    @Mixin
    RecordedInput in;

    @Mixin
    KafkaOption kafka;

    @Option(names = "--format", required = true, description = "csv, lcl, eld or sgcc.")
    String format;

    @Option(
            names = "--max-age",
            defaultValue = "10957d",
            description =
                    "Accepted age horizon of the import; older readings are dead-lettered TIMESTAMP_TOO_OLD; 0s for none"
                            + " (default: ${DEFAULT-VALUE}, thirty years: catches epoch seconds read as milliseconds, which land in 1970).")
    Duration maxAge;

    @Option(
            names = "--max-payload-bytes",
            defaultValue = "1048576",
            description = "As the bridge's ingest.max-payload-bytes (default: ${DEFAULT-VALUE}).")
    int maxPayloadBytes;

    @Option(
            names = "--readings-topic",
            defaultValue = "${env:KW_KAFKA_TOPIC_READINGS:-" + Topics.READINGS + "}",
            description = "(default: ${DEFAULT-VALUE})")
    String readingsTopic;

    @Option(
            names = "--dlq-topic",
            defaultValue = "${env:KW_KAFKA_TOPIC_DLQ:-" + Topics.READINGS_DLQ + "}",
            description = "(default: ${DEFAULT-VALUE})")
    String dlqTopic;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        long began = System.nanoTime();
        HistoryImport history = new HistoryImport(
                PlausibilityRules.defaults().withMaxAge(maxAge),
                maxPayloadBytes,
                System.currentTimeMillis(),
                in.from,
                in.to);
        Judged judged = format.equals("csv")
                ? history.plainCsv(in.files, in.idPrefix)
                : history.recorded(
                        RecordedFormats.read(format, in.files, in.zone, in.from, in.to)
                                .rows(),
                        in.resolution.toMillis(),
                        in.idPrefix,
                        "import:" + in.files.get(0).getFileName()
                                + (in.files.size() > 1 ? " (+" + (in.files.size() - 1) + " files)" : ""));
        out.printf(
                "import: read %,d readings from %d files in %.1f s: %,d accepted, %,d dead-lettered, %,d outside --from/--to%n",
                judged.read(),
                in.files.size(),
                (System.nanoTime() - began) / 1e9,
                judged.accepted().size(),
                judged.deadLetters().size(),
                judged.outsideRange());
        if (!judged.accepted().isEmpty()) {
            out.printf(
                    "import: event time %s .. %s%n",
                    Instant.ofEpochMilli(judged.accepted().get(0).ts()),
                    Instant.ofEpochMilli(
                            judged.accepted().get(judged.accepted().size() - 1).ts()));
        }
        KafkaImportWriter.Written w;
        try (Producer<byte[], byte[]> producer = KafkaImportWriter.producer(kafka.bootstrap())) {
            w = new KafkaImportWriter(producer, readingsTopic, dlqTopic, out).write(judged);
        }
        out.println(report(judged, w, readingsTopic, dlqTopic));
        boolean ok = judged.reconciles()
                && w.failed() == 0
                && w.readings() == judged.accepted().size()
                && w.deadLetters() == judged.deadLetters().size();
        if (!ok) {
            System.err.println("import: NOT every record was acknowledged by Kafka"
                    + (w.firstError() != null ? ": " + w.firstError() : "")
                    + "; importing the same files again is safe (the jobs dedup by meterId and ts)");
        }
        return ok ? 0 : 1;
    }

    /** The final account: every row read is in exactly one line of it. */
    static String report(Judged j, KafkaImportWriter.Written w, String readingsTopic, String dlqTopic) {
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                "import: read %,d = accepted %,d + dead-lettered %,d + outside range %,d%s%n",
                j.read(),
                j.accepted().size(),
                j.deadLetters().size(),
                j.outsideRange(),
                j.reconciles() ? "" : "  (DOES NOT RECONCILE)"));
        for (Map.Entry<RejectReason, Long> e : j.deadLetteredByReason().entrySet()) {
            b.append(String.format("import:   dead-lettered %-20s %,d%n", e.getKey(), e.getValue()));
        }
        b.append(String.format(
                "import: acknowledged by Kafka: %,d readings on %s, %,d dead letters on %s, %,d failed",
                w.readings(), readingsTopic, w.deadLetters(), dlqTopic, w.failed()));
        return b.toString();
    }
}

package io.kilowatch.sim;

import io.kilowatch.model.Hint;
import io.kilowatch.sim.score.AlertLog;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** What the tariff advisor has told customers so far: hints by kind and the largest savings offered. */
@Command(
        name = "hints",
        mixinStandardHelpOptions = true,
        description =
                "Summarises the tariff hints on kw.hints: how many of each kind, and the largest savings offered (one per customer).")
public final class HintsCommand implements Callable<Integer> {

    @Mixin
    KafkaOption kafka;

    @Option(
            names = "--hints-topic",
            defaultValue = "${env:KW_KAFKA_TOPIC_HINTS:-kw.hints}",
            description = "Hints topic (default: ${DEFAULT-VALUE}).")
    String topic;

    @Option(
            names = "--top",
            defaultValue = "5",
            description = "How many of the largest savings to list (default: ${DEFAULT-VALUE}).")
    int top;

    @Override
    public Integer call() {
        List<Hint> hints = AlertLog.HINTS.fromKafka(kafka.bootstrap(), topic);
        System.out.print(summary(hints, top));
        return 0;
    }

    /** "N hints (kind n, ...)" and the largest savings, one line each. */
    static String summary(List<Hint> all, int top) {
        Map<String, Hint> unique = new TreeMap<>();
        for (Hint h : all) {
            unique.putIfAbsent(h.hintId(), h);
        }
        Map<String, Integer> kinds = new TreeMap<>();
        Map<String, Hint> best = new TreeMap<>();
        for (Hint h : unique.values()) {
            kinds.merge(h.kind(), 1, Integer::sum);
            if (h.saving() != null && !h.kind().equals("demand_warning")) {
                best.merge(h.customerId(), h, (a, b) -> a.saving().compareTo(b.saving()) >= 0 ? a : b);
            }
        }
        StringBuilder b = new StringBuilder();
        b.append(unique.size())
                .append(" hints sent")
                .append(kinds.isEmpty() ? "" : " " + kinds)
                .append('\n');
        best.values().stream()
                .sorted((x, y) -> y.saving().compareTo(x.saving()))
                .limit(top)
                .forEach(h -> b.append(String.format(
                        "  %12s 元/month  %-13s %s: %s%n",
                        h.saving().setScale(2, RoundingMode.HALF_UP).toPlainString(),
                        h.kind(),
                        h.customerId(),
                        h.message().length() > 140 ? h.message().substring(0, 140) + "…" : h.message())));
        return b.toString();
    }
}

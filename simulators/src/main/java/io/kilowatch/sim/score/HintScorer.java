package io.kilowatch.sim.score;

import io.kilowatch.model.Hint;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Tariff hints against the injected {@code peak_heavy} customers: a {@code shift_load} hint
 * <em>matches</em> one when it is for the anomaly's customer and was made between the anomaly's
 * start and its end plus {@code grace} (hints go out at the customer's local day close).
 * Precision: customers told to shift who were injected / customers told to shift. Recall:
 * injected customers told to shift / injected customers. The other kinds are counted (nothing
 * in a scenario injects them).
 */
public final class HintScorer {
    /** @param kinds hints per kind (distinct ids); savings the largest offered per customer */
    public record Result(
            int shiftCustomers,
            int shiftMatched,
            int peakHeavy,
            int peakHeavyTold,
            Map<String, Integer> kinds,
            List<Hint> largest) {
        public double precision() {
            return shiftCustomers == 0 ? Double.NaN : (double) shiftMatched / shiftCustomers;
        }

        public double recall() {
            return peakHeavy == 0 ? Double.NaN : (double) peakHeavyTold / peakHeavy;
        }
    }

    private final Duration grace;
    private final Map<String, String> customerOfMeter;

    /** @param customerOfMeter meterId → customerId from the registry (a subject missing from it is taken as its own customer) */
    public HintScorer(Duration grace, Map<String, String> customerOfMeter) {
        this.grace = grace;
        this.customerOfMeter = Map.copyOf(customerOfMeter);
    }

    public Result score(List<GroundTruth> truth, Collection<Hint> hints) {
        Map<String, Hint> unique = new TreeMap<>();
        for (Hint h : hints) {
            unique.putIfAbsent(h.hintId(), h);
        }
        Map<String, Integer> kinds = new TreeMap<>();
        Set<String> told = new HashSet<>();
        Set<String> matched = new HashSet<>();
        int peakHeavy = 0;
        int peakHeavyTold = 0;
        List<GroundTruth> injected =
                truth.stream().filter(g -> g.type().equals("peak_heavy")).toList();
        for (Hint h : unique.values()) {
            kinds.merge(h.kind(), 1, Integer::sum);
            if (h.kind().equals("shift_load")) {
                told.add(h.customerId());
                if (injected.stream().anyMatch(g -> matches(g, h))) {
                    matched.add(h.customerId());
                }
            }
        }
        for (GroundTruth g : injected) {
            peakHeavy++;
            if (unique.values().stream().anyMatch(h -> h.kind().equals("shift_load") && matches(g, h))) {
                peakHeavyTold++;
            }
        }
        Map<String, Hint> bestPerCustomer = new TreeMap<>();
        for (Hint h : unique.values()) {
            if (h.saving() != null && !h.kind().equals("demand_warning")) {
                bestPerCustomer.merge(h.customerId(), h, (a, b) -> a.saving().compareTo(b.saving()) >= 0 ? a : b);
            }
        }
        List<Hint> largest = bestPerCustomer.values().stream()
                .sorted((a, b) -> b.saving().compareTo(a.saving()))
                .limit(5)
                .toList();
        return new Result(told.size(), matched.size(), peakHeavy, peakHeavyTold, kinds, largest);
    }

    private boolean matches(GroundTruth g, Hint h) {
        String customer = customerOfMeter.getOrDefault(g.subject(), g.subject());
        return h.customerId().equals(customer) && h.ts() >= g.start() && h.ts() <= g.end() + grace.toMillis();
    }

    public static String markdown(Result r) {
        StringBuilder b = new StringBuilder();
        b.append("| hint | customers told | injected (peak_heavy) | matched | precision | recall |\n");
        b.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        b.append("| shift_load | ")
                .append(r.shiftCustomers())
                .append(" | ")
                .append(r.peakHeavy())
                .append(" | ")
                .append(r.shiftMatched())
                .append(" | ")
                .append(ratio(r.precision()))
                .append(" | ")
                .append(ratio(r.recall()))
                .append(" |\n");
        b.append("\nHints by kind: ")
                .append(r.kinds().isEmpty() ? "none" : r.kinds())
                .append('\n');
        if (!r.largest().isEmpty()) {
            b.append(
                    "\nLargest savings offered (one per customer):\n\n| customer | kind | saving (元/month) | message |\n| --- | --- | ---: | --- |\n");
            for (Hint h : r.largest()) {
                b.append("| ")
                        .append(h.customerId())
                        .append(" | ")
                        .append(h.kind())
                        .append(" | ")
                        .append(h.saving()
                                .setScale(2, java.math.RoundingMode.HALF_UP)
                                .toPlainString())
                        .append(" | ")
                        .append(h.message().replace("|", "/"))
                        .append(" |\n");
            }
        }
        return b.toString();
    }

    private static String ratio(double v) {
        return Double.isNaN(v) ? "–" : String.format(java.util.Locale.ROOT, "%.2f", v);
    }
}

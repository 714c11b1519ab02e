package io.kilowatch.flink.curves;

import java.io.Serializable;
import java.util.Map;

/**
 * What the marketing insight measures (docs/insight.md).
 *
 * @param windowDays growth compares the last this many whole days with the same number before them
 *     (28: four whole weeks, so weekdays and weekends weigh alike — month on month)
 * @param bands per customer class, the upper bounds of its consumption bands in kWh per 30 days,
 *     ascending ({@code residential → [230, 400, 800]}: bands 0-230, 230-400, 400-800, 800+)
 */
public record InsightRules(int windowDays, Map<String, double[]> bands) implements Serializable {
    public InsightRules {
        if (windowDays < 1 || windowDays > 92) {
            throw new IllegalArgumentException("insight.window must be 1 to 92 days, got " + windowDays);
        }
        bands = Map.copyOf(bands);
    }

    public static InsightRules defaults() {
        return new InsightRules(
                28,
                Map.of(
                        "residential", new double[] {230, 400, 800},
                        "prosumer", new double[] {230, 400, 800},
                        "commercial", new double[] {1_000, 5_000, 20_000},
                        "industrial", new double[] {20_000, 100_000, 500_000}));
    }

    /** The band of {@code monthKwh} for {@code customerClass}, or null when the class has no bands. */
    public String segment(String customerClass, double monthKwh) {
        double[] b = customerClass == null ? null : bands.get(customerClass);
        if (b == null || Double.isNaN(monthKwh)) {
            return null;
        }
        double low = 0;
        for (double high : b) {
            if (monthKwh < high) {
                return label(low) + "-" + label(high);
            }
            low = high;
        }
        return label(low) + "+";
    }

    private static String label(double kwh) {
        return kwh == Math.rint(kwh) ? Long.toString((long) kwh) : Double.toString(kwh);
    }
}

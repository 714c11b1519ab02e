package io.kilowatch.billing.advice;

import java.math.BigDecimal;
import java.util.Map;

/**
 * One hint in money: what to do, what it saves this month (元, two decimals), the numbers behind
 * it and a plain message. Made by {@link Advisor}; the jobs add who, when and an id.
 *
 * @param target what the hint proposes: a plan id, a basis, a period, a power factor
 * @param currentCost the month's bill (projected to its end) as things are, 元
 * @param alternativeCost the same month if the customer followed the hint, 元
 * @param saving currentCost − alternativeCost (for a demand warning: what the new maximum would add)
 * @param figures the numbers behind the hint, by name (kWh to move, break-even kW, kvar, ...)
 */
public record Advice(
        Kind kind,
        String target,
        BigDecimal currentCost,
        BigDecimal alternativeCost,
        BigDecimal saving,
        Map<String, BigDecimal> figures,
        String message) {

    public enum Kind {
        SWITCH_PLAN,
        SHIFT_LOAD,
        BASIS,
        POWER_FACTOR,
        DEMAND_WARNING;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public Advice {
        figures = Map.copyOf(figures);
    }
}

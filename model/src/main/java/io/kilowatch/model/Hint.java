package io.kilowatch.model;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;

/**
 * A tariff hint for a customer: what to do and what it saves, in money. The value of
 * {@code kw.hints} (key: customerId), written to InfluxDB's {@code tariff_hints} and relayed to
 * {@code customers/{customerId}/hints}. docs/tariffs.md has each kind's formula.
 *
 * <p>{@code hintId} is deterministic (the same data gives the same ids): customer, kind, target
 * and the local date (or, for a demand warning, the 15-minute window) it is about.
 *
 * @param kind {@code switch_plan}, {@code shift_load}, {@code basis}, {@code power_factor} or {@code demand_warning}
 * @param ts event time the hint was made at, epoch ms
 * @param month the billing month it is about, {@code yyyy-MM}
 * @param plan the customer's current plan
 * @param target what it proposes: a plan, a basis, a period, a power factor
 * @param currentCost the month's bill as things are (projected to the month's end), 元; null for a warning
 * @param alternativeCost the month's bill following the hint, 元; null for a warning
 * @param saving 元 a month (for a demand warning: what the new maximum would add to the basic charge)
 * @param figures the numbers behind it by name (kWh to move, break-even kW, capacitor kvar, ...)
 * @param illustrative priced from a catalogue whose numbers are illustrative, not official
 */
public record Hint(
        String hintId,
        String customerId,
        String kind,
        long ts,
        String month,
        String plan,
        String target,
        BigDecimal currentCost,
        BigDecimal alternativeCost,
        BigDecimal saving,
        Map<String, BigDecimal> figures,
        boolean illustrative,
        String message) {

    public static final java.util.List<String> KINDS =
            java.util.List.of("switch_plan", "shift_load", "basis", "power_factor", "demand_warning");

    public Hint {
        Objects.requireNonNull(hintId, "hintId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(kind, "kind");
        figures = figures == null ? Map.of() : Map.copyOf(figures);
    }
}

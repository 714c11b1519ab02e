package io.kilowatch.model.tariff;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * The price of a kWh in each time-of-use period, 元/kWh. Either stated as final per-period prices,
 * or built from components (purchase, line loss, transmission, ...) of which only some are
 * multiplied by the period's ratio (Hubei since 2023: purchase and line loss). The final price is
 * exact: the sum of components, each times its multiplier when it takes one; never rounded.
 *
 * @param byPeriod final price per period index of the version's calendar
 * @param components empty when the prices were stated as final
 * @param multipliers the time-of-use ratio per period name; empty when the prices were stated as final
 */
public record EnergyPrices(List<BigDecimal> byPeriod, List<Component> components, Map<String, BigDecimal> multipliers)
        implements Serializable {

    /** A part of the price; {@code timeOfUse} says whether the period's multiplier applies to it. */
    public record Component(String name, BigDecimal price, boolean timeOfUse) implements Serializable {}

    public EnergyPrices {
        byPeriod = List.copyOf(byPeriod);
        components = List.copyOf(components);
        multipliers = Map.copyOf(multipliers);
    }

    public BigDecimal priceOf(int period) {
        return byPeriod.get(period);
    }

    /** The final prices of {@code components} for each of {@code periods}. */
    static List<BigDecimal> fromComponents(
            List<String> periods, List<Component> components, Map<String, BigDecimal> multipliers) {
        return periods.stream()
                .map(p -> {
                    BigDecimal sum = BigDecimal.ZERO;
                    for (Component c : components) {
                        sum = sum.add(c.timeOfUse() ? c.price().multiply(multipliers.get(p)) : c.price());
                    }
                    return sum;
                })
                .toList();
    }
}

package io.kilowatch.model.tariff;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.Set;

/**
 * Which customers may choose a plan. An empty set places no condition.
 *
 * @param minCapacityKva inclusive, null for none
 * @param maxCapacityKva exclusive, null for none
 */
public record Eligibility(
        Set<String> classes,
        Set<String> voltageLevels,
        Set<String> regions,
        BigDecimal minCapacityKva,
        BigDecimal maxCapacityKva)
        implements Serializable {
    public Eligibility {
        classes = Set.copyOf(classes);
        voltageLevels = Set.copyOf(voltageLevels);
        regions = Set.copyOf(regions);
    }

    /** The reason {@code c} may not choose the plan, or null when it may. */
    public String refusal(CustomerTerms c) {
        if (!classes.isEmpty() && !classes.contains(c.customerClass())) {
            return "class " + c.customerClass() + " is not one of " + classes;
        }
        if (!voltageLevels.isEmpty() && !voltageLevels.contains(c.voltageLevel())) {
            return "voltage level " + c.voltageLevel() + " is not one of " + voltageLevels;
        }
        if (!regions.isEmpty() && !regions.contains(c.region())) {
            return (c.region() == null || c.region().isEmpty() ? "no region given" : "region " + c.region())
                    + ", the plan is for " + regions;
        }
        if (minCapacityKva != null && c.capacityKva().compareTo(minCapacityKva) < 0) {
            return "capacity " + c.capacityKva().toPlainString() + " kVA is below " + minCapacityKva.toPlainString();
        }
        if (maxCapacityKva != null && c.capacityKva().compareTo(maxCapacityKva) >= 0) {
            return "capacity " + c.capacityKva().toPlainString() + " kVA is not below "
                    + maxCapacityKva.toPlainString();
        }
        return null;
    }
}

package io.kilowatch.model;

import java.util.Objects;

/**
 * What the utility knows about a meter: who it belongs to, where it sits in the grid, what it
 * is allowed. The value of the compacted {@code kw.registry} topic (key meterId); a tombstone
 * (null value) removes a meter.
 *
 * @param customerClass residential, commercial, industrial or prosumer
 * @param contractedKva contracted capacity in kVA
 * @param transformerKva rating of the meter's transformer in kVA
 * @param nominalVoltageV nominal phase voltage in V
 */
public record RegistryEntry(
        String meterId,
        String customerId,
        String customerClass,
        String transformerId,
        String feederId,
        String region,
        String tariffPlanId,
        double contractedKva,
        double transformerKva,
        double nominalVoltageV,
        int phases) implements java.io.Serializable {

    public RegistryEntry {
        Objects.requireNonNull(meterId, "meterId");
        Objects.requireNonNull(customerId, "customerId");
    }
}

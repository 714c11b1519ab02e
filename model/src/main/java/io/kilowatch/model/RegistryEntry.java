package io.kilowatch.model;

import java.util.Objects;

/**
 * What the utility knows about a meter: who it belongs to, where it sits in the grid, what it
 * is allowed. The value of the compacted {@code kw.registry} topic (key meterId); a tombstone
 * (null value) removes a meter.
 *
 * @param customerClass residential, commercial, industrial or prosumer; {@value #TRANSFORMER_METER} for the
 *     meter on a transformer's low-voltage side, which measures its whole area (customers and line
 *     losses) and belongs to the utility
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

    /** The class of a transformer-area meter: not a customer, so not summed with them. */
    public static final String TRANSFORMER_METER = "transformer";

    public static boolean isTransformerMeter(RegistryEntry e) {
        return e != null && TRANSFORMER_METER.equals(e.customerClass());
    }

    public RegistryEntry {
        Objects.requireNonNull(meterId, "meterId");
        Objects.requireNonNull(customerId, "customerId");
    }
}

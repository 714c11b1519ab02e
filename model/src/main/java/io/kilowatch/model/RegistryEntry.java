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
 * @param voltageLevel the supply voltage level tariffs are chosen by ({@code lv} below 1 kV,
 *     {@code 1-10kV}, {@code 20kV}, {@code 35kV}, {@code 110kV}, ...); null: from the nominal voltage
 * @param billingBasis the basic-charge basis of a two-part customer: capacity, demand or contract;
 *     null for a single-part customer
 * @param contractKw contract demand in kW, for the contract basis; null otherwise
 * @param concentratorId the data concentrator that reads this meter and uploads its readings in
 *     batches; null for a meter that publishes its own. Ingest accepts a batch's reading only
 *     from the concentrator named here (once the registry names any).
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
        int phases,
        String voltageLevel,
        String billingBasis,
        Double contractKw,
        String concentratorId)
        implements java.io.Serializable {

    /** The class of a transformer-area meter: not a customer, so not summed with them. */
    public static final String TRANSFORMER_METER = "transformer";

    public static boolean isTransformerMeter(RegistryEntry e) {
        return e != null && TRANSFORMER_METER.equals(e.customerClass());
    }

    public RegistryEntry {
        Objects.requireNonNull(meterId, "meterId");
        Objects.requireNonNull(customerId, "customerId");
    }

    /** An entry without the optional billing columns: a single-part customer, voltage level from the nominal voltage. */
    public RegistryEntry(
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
            int phases) {
        this(
                meterId,
                customerId,
                customerClass,
                transformerId,
                feederId,
                region,
                tariffPlanId,
                contractedKva,
                transformerKva,
                nominalVoltageV,
                phases,
                null,
                null,
                null,
                null);
    }

    /** An entry of a meter that publishes its own readings (no concentrator). */
    public RegistryEntry(
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
            int phases,
            String voltageLevel,
            String billingBasis,
            Double contractKw) {
        this(
                meterId,
                customerId,
                customerClass,
                transformerId,
                feederId,
                region,
                tariffPlanId,
                contractedKva,
                transformerKva,
                nominalVoltageV,
                phases,
                voltageLevel,
                billingBasis,
                contractKw,
                null);
    }

    public RegistryEntry withBilling(String level, String basis, Double contract) {
        return with(tariffPlanId, level, basis, contract, concentratorId);
    }

    public RegistryEntry withTariffPlan(String plan) {
        return with(plan, voltageLevel, billingBasis, contractKw, concentratorId);
    }

    public RegistryEntry withConcentrator(String concentrator) {
        return with(tariffPlanId, voltageLevel, billingBasis, contractKw, concentrator);
    }

    /** This meter with other terms: the fields the {@code with…} methods change. */
    private RegistryEntry with(String plan, String level, String basis, Double contract, String concentrator) {
        return new RegistryEntry(
                meterId,
                customerId,
                customerClass,
                transformerId,
                feederId,
                region,
                plan,
                contractedKva,
                transformerKva,
                nominalVoltageV,
                phases,
                level,
                basis,
                contract,
                concentrator);
    }

    /**
     * The voltage level as the registry states it, or from the nominal voltage when it does not:
     * a customer metered at a transformer's low-voltage side may still be supplied at 10 kV, so
     * two-part customers should state it.
     */
    public String voltageLevelOrDefault() {
        if (voltageLevel != null) {
            return voltageLevel;
        }
        return nominalVoltageV < 1000
                ? "lv"
                : nominalVoltageV <= 10_000
                        ? "1-10kV"
                        : nominalVoltageV <= 20_000 ? "20kV" : nominalVoltageV <= 35_000 ? "35kV" : "110kV";
    }

    /** Billed by the utility: a customer's meter, not a transformer's area meter. */
    public boolean isBilled() {
        return !isTransformerMeter(this);
    }
}

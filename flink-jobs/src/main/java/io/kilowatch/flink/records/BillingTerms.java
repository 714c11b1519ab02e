package io.kilowatch.flink.records;

import io.kilowatch.model.RegistryEntry;
import io.kilowatch.model.tariff.BasicCharge;
import io.kilowatch.model.tariff.CustomerTerms;
import java.math.BigDecimal;

/**
 * What the tariff stage needs of a meter's customer, taken from its registry entry by the meter
 * operator (which has it) so that the stage, keyed by customer, needs no registry of its own.
 *
 * @param basis capacity, demand or contract; null for a single-part customer
 * @param contractKw NaN unless the basis is contract
 */
public record BillingTerms(
        String planId,
        String customerClass,
        String voltageLevel,
        String region,
        String feederId,
        double capacityKva,
        String basis,
        double contractKw) {

    /** The terms of a billed meter (a customer's, with a plan), or null. */
    public static BillingTerms of(RegistryEntry e) {
        if (e == null
                || !e.isBilled()
                || e.tariffPlanId() == null
                || e.tariffPlanId().isEmpty()) {
            return null;
        }
        return new BillingTerms(
                e.tariffPlanId(),
                e.customerClass(),
                e.voltageLevelOrDefault(),
                e.region(),
                e.feederId(),
                e.contractedKva(),
                e.billingBasis(),
                e.contractKw() == null ? Double.NaN : e.contractKw());
    }

    /** Demand matters to the bill: a warning of a new maximum is worth sending. */
    public boolean demandBilled() {
        return "demand".equals(basis) || "contract".equals(basis);
    }

    public CustomerTerms customerTerms() {
        return new CustomerTerms(
                customerClass,
                voltageLevel,
                region,
                BigDecimal.valueOf(capacityKva),
                basis == null ? null : BasicCharge.Basis.of(basis),
                Double.isNaN(contractKw) ? null : BigDecimal.valueOf(contractKw));
    }
}

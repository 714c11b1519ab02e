package io.kilowatch.model.tariff;

import io.kilowatch.model.RegistryEntry;
import java.io.Serializable;
import java.math.BigDecimal;

/**
 * What a bill needs to know of the customer, besides usage: who may choose what, and the basis of
 * a two-part basic charge. From the registry ({@link #of}).
 *
 * @param capacityKva installed (contracted) capacity, kVA
 * @param basis the basic-charge basis the customer chose; null when it has none (single-part)
 * @param contractKw contract demand, kW; null unless the basis is contract
 */
public record CustomerTerms(
        String customerClass,
        String voltageLevel,
        String region,
        BigDecimal capacityKva,
        BasicCharge.Basis basis,
        BigDecimal contractKw)
        implements Serializable {

    public static CustomerTerms of(RegistryEntry e) {
        return new CustomerTerms(
                e.customerClass(),
                e.voltageLevelOrDefault(),
                e.region(),
                BigDecimal.valueOf(e.contractedKva()),
                e.billingBasis() == null ? null : BasicCharge.Basis.of(e.billingBasis()),
                e.contractKw() == null ? null : BigDecimal.valueOf(e.contractKw()));
    }

    public CustomerTerms withBasis(BasicCharge.Basis b, BigDecimal contract) {
        return new CustomerTerms(customerClass, voltageLevel, region, capacityKva, b, contract);
    }
}

package io.kilowatch.model.tariff;

import java.io.Serializable;
import java.math.BigDecimal;

/**
 * The monthly basic charge of a two-part tariff (两部制), on the basis the customer chose:
 * installed capacity (kVA × price), actual maximum demand (the month's highest 15-minute average
 * kW × price) or contract demand (contracted kW × price; kW above {@code contractBand} × the
 * contract at {@code excessFactor} × the price; a contract below {@code contractFloor} of the
 * installed capacity is raised to it).
 *
 * @param capacityPricePerKva 元/kVA·month, null when the plan has no capacity basis
 * @param demandPricePerKw 元/kW·month, null when the plan has no demand bases
 */
public record BasicCharge(
        BigDecimal capacityPricePerKva,
        BigDecimal demandPricePerKw,
        BigDecimal contractBand,
        BigDecimal excessFactor,
        BigDecimal contractFloor)
        implements Serializable {

    public static final BigDecimal DEFAULT_BAND = new BigDecimal("1.05");
    public static final BigDecimal DEFAULT_EXCESS_FACTOR = new BigDecimal("2");
    public static final BigDecimal DEFAULT_FLOOR = new BigDecimal("0.40");

    public boolean offers(Basis basis) {
        return switch (basis) {
            case CAPACITY -> capacityPricePerKva != null;
            case DEMAND, CONTRACT -> demandPricePerKw != null;
        };
    }

    /** How a customer's basic charge is measured. */
    public enum Basis {
        CAPACITY,
        DEMAND,
        CONTRACT;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Basis of(String id) {
            return valueOf(id.trim().toUpperCase(java.util.Locale.ROOT));
        }
    }
}

package io.kilowatch.billing;

import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * One line of a bill: quantity × unit price (× share of the month, for monthly amounts of a
 * version in force part of it), rounded half-up to the fen. A memo line explains the bill and is
 * not part of its total (the government funds inside the energy prices, which the power-factor
 * base leaves out).
 *
 * @param period the time-of-use period, or null
 * @param tier the block number (1 = first), or null
 * @param versionFrom the effective date of the plan version the line is priced at
 * @param share days in force / days of the month, as text ("16/31"), or null when the whole line is the month's
 * @param amount 元, two decimals
 */
public record BillLine(
        Charge charge,
        String period,
        Integer tier,
        LocalDate versionFrom,
        BigDecimal quantity,
        String unit,
        BigDecimal unitPrice,
        String share,
        BigDecimal amount,
        boolean memo,
        String note) {

    public enum Charge {
        ENERGY("energy"),
        TIER_SURCHARGE("tier surcharge"),
        BASIC_CAPACITY("basic charge, capacity"),
        BASIC_DEMAND("basic charge, maximum demand"),
        BASIC_CONTRACT("basic charge, contract demand"),
        BASIC_CONTRACT_EXCESS("basic charge, demand above the contract band"),
        REACTIVE("reactive energy"),
        POWER_FACTOR("power-factor adjustment"),
        FIXED("fixed charge"),
        MINIMUM_TOP_UP("minimum charge top-up"),
        GOVERNMENT_FUNDS("of which government funds");

        public final String label;

        Charge(String label) {
            this.label = label;
        }

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}

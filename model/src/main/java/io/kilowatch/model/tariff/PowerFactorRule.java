package io.kilowatch.model.tariff;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Power-factor adjustment (功率因数调整电费办法, 1983): a percentage surcharge or discount on the
 * month's bill by the month's power factor against a standard of 0.90, 0.85 or 0.80. The table is
 * shared/TARIFFS.md's; {@link #percent} is it as a function.
 *
 * A version may hold several rules (0.90 for industry from 160 kVA, 0.85 for the rest from 100
 * kVA); the first that applies to a customer is its rule.
 *
 * @param classes customer classes the rule is for (empty: every class)
 * @param appliesFromKva the adjustment applies to customers of at least this capacity (null: all)
 */
public record PowerFactorRule(BigDecimal standard, java.util.Set<String> classes, BigDecimal appliesFromKva)
        implements Serializable {
    public static final BigDecimal S90 = new BigDecimal("0.90");
    public static final BigDecimal S85 = new BigDecimal("0.85");
    public static final BigDecimal S80 = new BigDecimal("0.80");

    /** Discounts (negative %) above the standard, per 0.01 from standard + 0.01; the last holds to 1.00. */
    private static final String[] DISCOUNTS_90 = {"-0.15", "-0.30", "-0.45", "-0.60", "-0.75"};

    private static final String[] DISCOUNTS_85 = {
        "-0.1", "-0.2", "-0.3", "-0.4", "-0.5", "-0.65", "-0.80", "-0.95", "-1.10"
    };
    private static final String[] DISCOUNTS_80 = {
        "-0.1", "-0.2", "-0.3", "-0.4", "-0.5", "-0.6", "-0.7", "-0.8", "-0.9", "-1.0", "-1.15", "-1.30"
    };

    public PowerFactorRule {
        if (standard.compareTo(S90) != 0 && standard.compareTo(S85) != 0 && standard.compareTo(S80) != 0) {
            throw new IllegalArgumentException(
                    "power-factor standard must be 0.90, 0.85 or 0.80, got " + standard.toPlainString());
        }
        classes = java.util.Set.copyOf(classes);
    }

    public boolean appliesTo(CustomerTerms c) {
        return (classes.isEmpty() || classes.contains(c.customerClass()))
                && (appliesFromKva == null
                        || (c.capacityKva() != null && c.capacityKva().compareTo(appliesFromKva) >= 0));
    }

    /**
     * The adjustment in percent of the base (negative: a discount) for a monthly power factor
     * {@code pf} already rounded to two decimals. Below the standard: +0.5 per 0.01 for 20
     * steps (to +10), then +1 per 0.01 for 5 steps (to +15), then +2 per 0.01 (the first such
     * step gives +17).
     */
    public static BigDecimal percent(BigDecimal standard, BigDecimal pf) {
        int s = standard.movePointRight(2).intValueExact();
        int p = pf.setScale(2, RoundingMode.UNNECESSARY).movePointRight(2).intValueExact();
        if (p >= s) {
            String[] d = s == 90 ? DISCOUNTS_90 : s == 85 ? DISCOUNTS_85 : DISCOUNTS_80;
            return p == s ? BigDecimal.ZERO : new BigDecimal(d[Math.min(p - s, d.length) - 1]);
        }
        int below = s - p;
        if (below <= 20) {
            return new BigDecimal(below).multiply(new BigDecimal("0.5"));
        }
        if (below <= 25) {
            return new BigDecimal(10 + (below - 20));
        }
        return new BigDecimal(15 + 2 * (below - 25));
    }

    public BigDecimal percent(BigDecimal pf) {
        return percent(standard, pf);
    }
}

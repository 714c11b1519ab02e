package io.kilowatch.billing;

import io.kilowatch.model.tariff.CustomerTerms;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.util.List;

/**
 * A customer-month priced under one plan: its lines and their total (the sum of the rounded
 * lines, memo lines left out).
 *
 * @param powerFactor the month's power factor rounded to 2 decimals, or null when not measured or not used
 * @param maxDemandKw the month's maximum 15-minute demand as estimated from 15-minute blocks, or null
 */
public record Bill(
        String planId,
        String planName,
        boolean illustrative,
        YearMonth month,
        CustomerTerms terms,
        List<BillLine> lines,
        BigDecimal total,
        BigDecimal kwh,
        BigDecimal kvarh,
        BigDecimal powerFactor,
        BigDecimal maxDemandKw,
        Instant maxDemandAt,
        BigDecimal coveredDays) {
    public Bill {
        lines = List.copyOf(lines);
    }

    /** Sum of the non-memo lines of {@code charge}. */
    public BigDecimal amountOf(BillLine.Charge charge) {
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < lines.size(); i++) {
            BillLine l = lines.get(i);
            if (l.charge() == charge && !l.memo()) {
                sum = sum.add(l.amount());
            }
        }
        return sum;
    }

    /** Energy and tier lines: what moving load between periods changes. */
    public BigDecimal energyAmount() {
        return amountOf(BillLine.Charge.ENERGY).add(amountOf(BillLine.Charge.TIER_SURCHARGE));
    }

    public BigDecimal basicAmount() {
        return amountOf(BillLine.Charge.BASIC_CAPACITY)
                .add(amountOf(BillLine.Charge.BASIC_DEMAND))
                .add(amountOf(BillLine.Charge.BASIC_CONTRACT))
                .add(amountOf(BillLine.Charge.BASIC_CONTRACT_EXCESS));
    }
}

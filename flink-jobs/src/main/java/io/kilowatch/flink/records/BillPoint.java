package io.kilowatch.flink.records;

/**
 * A customer's month under one plan: the {@code bills} measurement. One point per (customer,
 * plan, month) at the month's start, overwritten as the month goes on: the newest is the month
 * to date, the one written at the month's close is final. Amounts in 元 as exact decimal text.
 *
 * @param current the customer is on this plan (and basis)
 * @param basis the basic-charge basis the bill is on, or null
 * @param basic the basic charge, or null when no version of the plan has one
 * @param powerFactorAdjustment the power-factor adjustment, or null when the plan makes none for this customer
 * @param kwh the month's energy (the customer's usage: {@code kwh}, {@code maxDemandKw} and {@code powerFactor} are
 *     written to InfluxDB on the current plan's point only)
 * @param asOf event time the usage covers up to, epoch ms
 * @param partial the plan was tracked from after the month's start (its month to date misses the days before)
 * @param periods the plan's time-of-use periods its energy was billed in this month (empty for a plan without them), in
 *     the order of {@code periodKwh}: the customer's time-of-use split under that plan
 * @param repeat an earlier point of this (customer, plan, month) carried the same {@code current},
 *     {@code illustrative} and {@code basis}, and this one is not final: it may leave them out
 *     (InfluxDB keeps a point's fields that a later write at its time lacks)
 * @param wasCurrent an earlier point of this (customer, plan, month) may have said {@code current=true}: a point
 *     that is not the customer's plan says {@code current=false} only then (a plan never current leaves it out)
 */
public record BillPoint(
        String customerId,
        String planId,
        String month,
        long monthStart,
        boolean current,
        String basis,
        String total,
        String projected,
        String energy,
        String basic,
        String powerFactorAdjustment,
        double kwh,
        double maxDemandKw,
        double powerFactor,
        long asOf,
        boolean fin,
        boolean partial,
        boolean illustrative,
        String[] periods,
        double[] periodKwh,
        boolean repeat,
        boolean wasCurrent) {
    /** A point of a plan without time-of-use periods, not a repeat, over no point that said current. */
    public BillPoint(
            String customerId,
            String planId,
            String month,
            long monthStart,
            boolean current,
            String basis,
            String total,
            String projected,
            String energy,
            String basic,
            String powerFactorAdjustment,
            double kwh,
            double maxDemandKw,
            double powerFactor,
            long asOf,
            boolean fin,
            boolean partial,
            boolean illustrative) {
        this(
                customerId,
                planId,
                month,
                monthStart,
                current,
                basis,
                total,
                projected,
                energy,
                basic,
                powerFactorAdjustment,
                kwh,
                maxDemandKw,
                powerFactor,
                asOf,
                fin,
                partial,
                illustrative,
                new String[0],
                new double[0],
                false,
                false);
    }
}

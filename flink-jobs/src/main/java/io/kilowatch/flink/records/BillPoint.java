package io.kilowatch.flink.records;

/**
 * A customer's month under one plan: the {@code bills} measurement. One point per (customer,
 * plan, month) at the month's start, overwritten as the month goes on: the newest is the month
 * to date, the one written at the month's close is final. Amounts in 元 as exact decimal text.
 *
 * @param current the customer is on this plan (and basis)
 * @param basis the basic-charge basis the bill is on, or null
 * @param asOf event time the usage covers up to, epoch ms
 * @param partial the plan was tracked from after the month's start (its month to date misses the days before)
 */
public record BillPoint(String customerId, String planId, String month, long monthStart, boolean current, String basis, String total,
                        String projected, String energy, String basic, String powerFactorAdjustment, double kwh, double maxDemandKw,
                        double powerFactor, long asOf, boolean fin, boolean partial, boolean illustrative) {}

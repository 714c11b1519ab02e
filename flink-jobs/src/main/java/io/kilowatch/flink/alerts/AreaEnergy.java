package io.kilowatch.flink.alerts;

/**
 * One meter's net energy (import − export) in one quarter-hour, sent to its transformer's
 * balance: the area meter's ({@code areaMeter}) against the sum of its customers'.
 */
public record AreaEnergy(String transformerId, long quarterStart, String meterId, boolean areaMeter, double kwh) {}

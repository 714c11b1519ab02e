package io.kilowatch.sim.replay;

/** One recorded value: {@code kwh} consumed by {@code meterId} in [start, start + periodMs), epoch ms. */
public record RecordedRow(String meterId, long start, long periodMs, double kwh) {}

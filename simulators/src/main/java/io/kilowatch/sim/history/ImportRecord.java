package io.kilowatch.sim.history;

/**
 * One reading of a recorded file, before it is judged: where it came from ({@code import:FILE}
 * or {@code import:FILE:LINE}, the dead-letter record's {@code source.topic}), what the file held
 * (the dead-letter record's value) and the reading's JSON as a device would have sent it.
 */
public record ImportRecord(String source, byte[] original, byte[] payload) {}

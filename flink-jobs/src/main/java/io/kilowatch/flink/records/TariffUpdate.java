package io.kilowatch.flink.records;

/** A record of kw.tariffs: a plan as JSON (a catalogue of one plan, TariffCodec), or a withdrawn plan (json null). */
public record TariffUpdate(String planId, String json) implements java.io.Serializable {}

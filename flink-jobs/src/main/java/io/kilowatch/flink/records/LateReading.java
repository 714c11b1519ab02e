package io.kilowatch.flink.records;

import io.kilowatch.model.Reading;

/** A reading that arrived after its window of {@code interval} had closed; it goes to kw.late, never nowhere. */
public record LateReading(Reading reading, String interval) {}

package io.kilowatch.model;

import java.util.List;
import java.util.Objects;

/** What a data concentrator uploads: many readings of the meters behind it, possibly hours late. */
public record ConcentratorBatch(String concentratorId, List<Reading> readings) {
    public ConcentratorBatch {
        Objects.requireNonNull(concentratorId, "concentratorId");
        readings = List.copyOf(readings);
    }
}

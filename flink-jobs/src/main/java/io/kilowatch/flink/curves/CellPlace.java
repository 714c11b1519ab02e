package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.AggregateChange;
import io.kilowatch.flink.records.AggregateKey;
import io.kilowatch.flink.records.Cell;
import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.Level;
import io.kilowatch.flink.records.LoadSums;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.flink.util.Collector;

/**
 * Where a cell sits above its transformer: its feeder and region (null for class-only cells),
 * as its meters' data last said. A cell's state in {@link MinuteCells} and {@link QuarterCells}.
 */
public record CellPlace(String feederId, String region) {

    /**
     * What to keep after data that says {@code feederId}/{@code region}: the known place unless the
     * data names another feeder or region. Data without a feeder (a meter removed from the
     * registry sends none) keeps the last known place.
     */
    static CellPlace keep(CellPlace known, String feederId, String region) {
        if (known == null
                || (feederId != null && (!feederId.equals(known.feederId) || !Objects.equals(region, known.region)))) {
            return new CellPlace(feederId, region);
        }
        return known;
    }

    /** The aggregates a change of {@code cell} goes to: its transformer, feeder, region (those it has) and class. */
    List<AggregateKey> targets(Cell cell, Interval iv) {
        List<AggregateKey> to = new ArrayList<>(4);
        if (cell.transformerId() != null) {
            to.add(new AggregateKey(Level.TRANSFORMER, cell.transformerId(), iv));
        }
        if (feederId != null) {
            to.add(new AggregateKey(Level.FEEDER, feederId, iv));
        }
        if (region != null) {
            to.add(new AggregateKey(Level.REGION, region, iv));
        }
        to.add(new AggregateKey(Level.CLASS, cell.customerClass(), iv));
        return to;
    }

    /** Sends {@code sums}, a change of the cell's interval at {@code start}, to each of its aggregates. */
    void send(Cell cell, Interval iv, long start, LoadSums sums, Collector<AggregateChange> out) {
        for (AggregateKey to : targets(cell, iv)) {
            out.collect(new AggregateChange(to, start, sums));
        }
    }
}

package io.kilowatch.flink.curves;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.records.AggregateChange;
import io.kilowatch.flink.records.AggregateKey;
import io.kilowatch.flink.records.Cell;
import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.Level;
import io.kilowatch.flink.records.LoadSums;
import io.kilowatch.flink.records.MemberChange;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** A cell combines its meters' quarter shares into one change per aggregate; later changes pass straight through. */
class QuarterCellsTest {
    private static final long T = 1_800_000_000_000L - 1_800_000_000_000L % 900_000;
    private static final Interval Q = Interval.FIFTEEN_MINUTES;
    private static final Cell CELL = new Cell("T1", "commercial");

    private static MemberChange share(String feeder, long kwAvgMicro, long readings, long meters) {
        return new MemberChange(
                CELL,
                feeder,
                feeder == null ? null : "north",
                T,
                new LoadSums(kwAvgMicro, 0, 0, 0, readings, meters, 0));
    }

    @Test
    void metersSharesAreSummedOnceWhenTheQuarterClosesAndACorrectionAfterThatPassesThrough() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Cell, MemberChange, AggregateChange> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new QuarterCells(), MemberChange::cell, TypeInformation.of(Cell.class));
        h.processElement(new StreamRecord<>(share("F1", 1_500_000, 15, 1), T + 899_999));
        h.processElement(new StreamRecord<>(share("F1", 2_250_000, 14, 1), T + 899_999));
        h.processElement(new StreamRecord<>(share("F1", 750_000, 15, 1), T + 899_999));
        assertThat(h.extractOutputValues()).isEmpty();

        h.processWatermark(T + Q.millis() - 1);
        List<AggregateChange> closed = h.extractOutputValues();
        assertThat(closed)
                .extracting(AggregateChange::key)
                .containsExactly(
                        new AggregateKey(Level.TRANSFORMER, "T1", Q),
                        new AggregateKey(Level.FEEDER, "F1", Q),
                        new AggregateKey(Level.REGION, "north", Q),
                        new AggregateKey(Level.CLASS, "commercial", Q));
        assertThat(closed).allSatisfy(c -> {
            assertThat(c.windowStart()).isEqualTo(T);
            assertThat(c.sums()).isEqualTo(new LoadSums(4_500_000, 0, 0, 0, 44, 3, 0));
        });

        // A late reading of one meter: its difference goes on at once, and the cell keeps its
        // place when the change comes from a meter the registry no longer names (no feeder).
        h.processElement(new StreamRecord<>(share(null, 100_000, 1, 0), T + 2 * Q.millis()));
        List<AggregateChange> late = h.extractOutputValues().subList(4, 8);
        assertThat(late)
                .extracting(c -> c.key().level())
                .containsExactly(Level.TRANSFORMER, Level.FEEDER, Level.REGION, Level.CLASS);
        assertThat(late).allSatisfy(c -> assertThat(c.sums()).isEqualTo(new LoadSums(100_000, 0, 0, 0, 1, 0, 0)));

        assertThat(((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries())
                .as("only where the cell sits is kept")
                .isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }
}

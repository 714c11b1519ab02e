package io.kilowatch.flink.curves;

import static io.kilowatch.flink.records.LoadSums.micro;
import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.records.AggregateChange;
import io.kilowatch.flink.records.AggregateKey;
import io.kilowatch.flink.records.Cell;
import io.kilowatch.flink.records.CellSample;
import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.Level;
import io.kilowatch.flink.records.LoadPoint;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** A transformer × class cell builds the minute from its meters' readings and fans it out to the four levels. */
class MinuteCellsTest {
    private static final long T = 1_800_000_000_000L - 1_800_000_000_000L % 60_000;

    private static final Cell CELL = new Cell("T1", "residential");

    private static CellSample reading(String meter, double kw, boolean curve) {
        return new CellSample(CELL, T, "F1", "north", meter, kw, curve);
    }

    @Test
    void eachMeterIsAveragedOverTheMinuteThenTheMetersAreSummedAndFannedOut() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<Cell, CellSample, AggregateChange> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new MinuteCells(Duration.ofMinutes(2)), CellSample::cell, TypeInformation.of(Cell.class));
        h.processElement(new StreamRecord<>(reading("a", 1.0, false), T));
        h.processElement(new StreamRecord<>(reading("a", 3.0, false), T + 30_000));
        h.processElement(new StreamRecord<>(reading("b", 0.5, true), T + 10_000));
        assertThat(h.extractOutputValues()).isEmpty();

        h.processWatermark(T + 60_000);
        List<AggregateChange> out = h.extractOutputValues();
        assertThat(out)
                .extracting(AggregateChange::key)
                .containsExactly(
                        new AggregateKey(Level.TRANSFORMER, "T1", Interval.ONE_MINUTE),
                        new AggregateKey(Level.FEEDER, "F1", Interval.ONE_MINUTE),
                        new AggregateKey(Level.REGION, "north", Interval.ONE_MINUTE),
                        new AggregateKey(Level.CLASS, "residential", Interval.ONE_MINUTE));
        assertThat(out).extracting(AggregateChange::sums).allSatisfy(d -> {
            assertThat(d.kwAvg()).isEqualTo(micro(2.0) + micro(0.5)); // a averages 2.0 over its two readings
            assertThat(d.kwMax()).isEqualTo(micro(3.0) + micro(0.5));
            assertThat(d.kwMin()).isEqualTo(micro(1.0) + micro(0.5));
            assertThat(d.readings()).isEqualTo(3);
            assertThat(d.meters()).isEqualTo(2);
        });
        assertThat(h.getSideOutput(MinuteCells.METER_POINTS))
                .extracting(StreamRecord::getValue)
                .extracting(LoadPoint::id, LoadPoint::kwAvg)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b", 0.5));

        // Within the two minutes of lateness: the change the reading makes, to every level.
        h.processElement(new StreamRecord<>(reading("c", 4.0, false), T + 5_000));
        List<AggregateChange> late =
                h.extractOutputValues().subList(4, h.extractOutputValues().size());
        assertThat(late).extracting(AggregateChange::sums).hasSize(4).allSatisfy(d -> {
            assertThat(d.kwAvg()).isEqualTo(micro(4.0));
            assertThat(d.meters()).isEqualTo(1);
            assertThat(d.readings()).isEqualTo(1);
        });

        h.processWatermark(T + 60_000 + Duration.ofMinutes(2).toMillis());
        assertThat(((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries())
                .as("only where the cell sits is kept")
                .isEqualTo(1);
        assertThat(h.numEventTimeTimers()).isZero();
        h.close();
    }
}

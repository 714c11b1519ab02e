package io.kilowatch.flink.curves;

import static io.kilowatch.flink.records.LoadDelta.micro;
import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.LoadDelta;
import io.kilowatch.flink.records.LoadPoint;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** A transformer × class cell builds the minute from its meters' readings and fans it out to the four levels. */
class CellRollUpTest {
    private static final long T = 1_800_000_000_000L - 1_800_000_000_000L % 60_000;

    private static LoadDelta reading(String meter, double kw, boolean curve) {
        return LoadDelta.sample("T1|residential", T, "T1", "residential", "F1", "north", meter, kw, curve);
    }

    @Test
    void eachMeterIsAveragedOverTheMinuteThenTheMetersAreSummedAndFannedOut() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, LoadDelta, LoadDelta> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new CellRollUp(Duration.ofMinutes(2)), LoadDelta::key, Types.STRING);
        h.processElement(new StreamRecord<>(reading("a", 1.0, false), T));
        h.processElement(new StreamRecord<>(reading("a", 3.0, false), T + 30_000));
        h.processElement(new StreamRecord<>(reading("b", 0.5, true), T + 10_000));
        assertThat(h.extractOutputValues()).isEmpty();

        h.processWatermark(T + 60_000);
        List<LoadDelta> out = h.extractOutputValues();
        assertThat(out).extracting(LoadDelta::level).containsExactly("transformer", "feeder", "region", "class");
        assertThat(out).extracting(LoadDelta::id).containsExactly("T1", "F1", "north", "residential");
        assertThat(out).allSatisfy(d -> {
            assertThat(d.interval()).isEqualTo(Interval.ONE_MINUTE);
            assertThat(d.kwAvgMicro()).isEqualTo(micro(2.0) + micro(0.5)); // a averages 2.0 over its two readings
            assertThat(d.kwMaxMicro()).isEqualTo(micro(3.0) + micro(0.5));
            assertThat(d.kwMinMicro()).isEqualTo(micro(1.0) + micro(0.5));
            assertThat(d.readings()).isEqualTo(3);
            assertThat(d.meters()).isEqualTo(2);
        });
        assertThat(h.getSideOutput(CellRollUp.METER_POINTS))
                .extracting(StreamRecord::getValue)
                .extracting(LoadPoint::id, LoadPoint::kwAvg)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("b", 0.5));

        // Within the two minutes of lateness: the change the reading makes, to every level.
        h.processElement(new StreamRecord<>(reading("c", 4.0, false), T + 5_000));
        List<LoadDelta> late =
                h.extractOutputValues().subList(4, h.extractOutputValues().size());
        assertThat(late).hasSize(4).allSatisfy(d -> {
            assertThat(d.kwAvgMicro()).isEqualTo(micro(4.0));
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

package io.kilowatch.flink.curves;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.kilowatch.flink.records.InsightPoint;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** {@link InsightRanks}: the day's customers ranked by growth once the day is over; a recomputed day goes on unranked. */
class InsightRanksTest {
    private static final long DAY = 86_400_000L;
    private static final long D = 20 * DAY;

    private static InsightPoint point(String id, double growth) {
        return new InsightPoint(
                "meter",
                id,
                "C" + id,
                "residential",
                D,
                10,
                8,
                growth,
                2,
                2,
                0,
                300,
                "230-400",
                28,
                28,
                0,
                0,
                Double.NaN);
    }

    @Test
    void theDaysCustomersAreRankedFastestGrowingAndFastestShrinkingFirst() throws Exception {
        try (var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new InsightRanks(), InsightPoint::dayStart, Types.LONG)) {
            h.processElement(new StreamRecord<>(point("a", 0.10)));
            h.processElement(new StreamRecord<>(point("b", -0.30)));
            h.processElement(new StreamRecord<>(point("c", 0.50)));
            h.processElement(new StreamRecord<>(point("d", Double.NaN)));
            assertThat(h.extractOutputValues()).as("held until the day is over").isEmpty();
            h.processWatermark(new Watermark(D + DAY));
            assertThat(h.extractOutputValues())
                    .extracting(InsightPoint::id, InsightPoint::growthRank, InsightPoint::shrinkRank)
                    .containsExactly(tuple("c", 1, 3), tuple("a", 2, 2), tuple("b", 3, 1), tuple("d", 0, 0));
            h.processElement(new StreamRecord<>(point("a", 0.12)));
            assertThat(h.extractOutputValues().get(4).growthRank())
                    .as("a recomputed day, after its ranking")
                    .isZero();
            h.processWatermark(new Watermark(D + 3 * DAY));
            assertThat(((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries())
                    .isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }
}

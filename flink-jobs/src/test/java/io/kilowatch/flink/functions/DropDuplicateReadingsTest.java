package io.kilowatch.flink.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.Reading;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DropDuplicateReadingsTest {
    private static final Duration RETENTION = Duration.ofHours(3);
    private KeyedOneInputStreamOperatorTestHarness<String, Reading, Reading> harness;

    @BeforeEach
    void setUp() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new DropDuplicateReadings(RETENTION), Reading::meterId, Types.STRING);
        harness.open();
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private void push(String meter, long ts, double kw) throws Exception {
        harness.processElement(new StreamRecord<>(Reading.of(meter, ts, kw), ts));
    }

    @Test
    void firstOfEachMeterAndTimestampPassesCopiesDoNot() throws Exception {
        push("a", 60_000, 1.0);
        push("a", 60_000, 1.0);   // QoS 1 redelivery
        push("b", 60_000, 2.0);   // same ts, other meter: not a duplicate
        push("a", 120_000, 3.0);
        push("a", 60_000, 9.9);   // re-upload with a different value: the first one stands
        assertThat(harness.extractOutputValues()).containsExactly(
                Reading.of("a", 60_000, 1.0), Reading.of("b", 60_000, 2.0), Reading.of("a", 120_000, 3.0));
    }

    @Test
    void forgetsEverythingOnceEventTimePassesTheRetention() throws Exception {
        push("a", 60_000, 1.0);
        push("a", 90_000, 1.0);
        push("b", 30_000, 1.0);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.numEventTimeTimers()).isPositive();

        harness.processWatermark(90_000 + RETENTION.toMillis() + 120_000);

        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void keepsWhatIsStillWithinTheRetention() throws Exception {
        push("a", 0, 1.0);
        push("a", RETENTION.toMillis(), 1.0);
        harness.processWatermark(RETENTION.toMillis() + 61_000);
        push("a", RETENTION.toMillis(), 5.0); // still remembered: dropped
        assertThat(harness.extractOutputValues()).hasSize(2);
        assertThat(harness.numKeyedStateEntries()).isEqualTo(1);
    }
}

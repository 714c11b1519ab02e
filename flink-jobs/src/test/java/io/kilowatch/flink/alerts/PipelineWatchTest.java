package io.kilowatch.flink.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.kilowatch.model.Alert;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** {@link PipelineWatch} on the harness's processing-time clock. */
class PipelineWatchTest {
    private static final long MIN = 60_000;

    @Test
    void silenceForTheConfiguredTimeOpensOneAlertAndTheNextReadingResolvesIt() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<String, Long, Alert> h =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new PipelineWatch(Duration.ofMinutes(5)), beat -> "pipeline", Types.STRING)) {
            h.open();
            h.setProcessingTime(1_000);
            h.processElement(new StreamRecord<>(1_000L));
            h.setProcessingTime(4 * MIN);
            h.processElement(new StreamRecord<>(4 * MIN));
            h.setProcessingTime(8 * MIN);
            assertThat(h.extractOutputValues())
                    .as("4 min without a beat is not silence yet")
                    .isEmpty();
            h.setProcessingTime(9 * MIN);
            h.setProcessingTime(20 * MIN);
            h.processElement(new StreamRecord<>(20 * MIN));
            assertThat(h.extractOutputValues())
                    .extracting(Alert::type, Alert::state, Alert::ts, Alert::openedAt, Alert::level, Alert::customerId)
                    .containsExactly(
                            tuple("pipeline_silent", Alert.State.OPEN, 9 * MIN, 4 * MIN, "pipeline", null),
                            tuple("pipeline_silent", Alert.State.RESOLVED, 20 * MIN, 4 * MIN, "pipeline", null));
            assertThat(h.extractOutputValues().get(0).alertId()).isEqualTo("readings/pipeline_silent/" + 4 * MIN);
            assertThat(h.extractOutputValues().get(1).message()).contains("again after 16 min");
            assertThat(Alert.isStaffOnly("pipeline_silent")).isTrue();
        }
    }
}

package io.kilowatch.flink.wiring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.model.Reading;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class ClosingWhenIdleTest {
    private static final long T = Instant.parse("2013-06-21T23:45:00Z").toEpochMilli();

    private final long[] clock = {0};
    private final List<Long> watermarks = new ArrayList<>();
    private final WatermarkOutput out = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark w) {
            watermarks.add(w.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    };

    @Test
    void aQuietInputClosesTheIntervalOfItsLatestReadingAndNoFurther() {
        var g = new EventTimeInputs.ClosingWhenIdle(Duration.ofMinutes(2), Duration.ofSeconds(30), () -> clock[0]);
        g.onPeriodicEmit(out);
        assertThat(watermarks).as("nothing before the first reading").isEmpty();
        g.onEvent(Reading.of("m", T - 900_000, 1), T - 900_000, out);
        g.onEvent(Reading.of("m", T, 1), T, out); // the replay's last reading: 23:45 covers up to midnight
        g.onPeriodicEmit(out);
        assertThat(watermarks).containsExactly(T - 120_000 - 1);

        clock[0] = Duration.ofSeconds(29).toNanos();
        g.onPeriodicEmit(out);
        assertThat(watermarks).as("not quiet long enough yet").hasSize(1);

        clock[0] = Duration.ofSeconds(30).toNanos();
        g.onPeriodicEmit(out);
        long midnight = Instant.parse("2013-06-22T00:00:00Z").toEpochMilli();
        assertThat(watermarks).containsExactly(T - 120_000 - 1, midnight - 1);
        g.onPeriodicEmit(out);
        assertThat(watermarks)
                .as("emitted once, not moved further by more quiet")
                .hasSize(2);

        // The input resumes: the bound applies again, the watermark never goes back.
        g.onEvent(Reading.of("m", midnight + 60_000, 1), midnight + 60_000, out);
        g.onPeriodicEmit(out);
        assertThat(watermarks).hasSize(2);
        g.onEvent(Reading.of("m", midnight + 900_000, 1), midnight + 900_000, out);
        g.onPeriodicEmit(out);
        assertThat(watermarks).last().isEqualTo(midnight + 900_000 - 120_000 - 1);
    }

    @Test
    void theCloseMustComeBeforeThePartitionIsDeclaredIdle() throws Exception {
        assertThat(JobConfig.load(null, Map.of("KW_TIME_CLOSE_AFTER_IDLE", "30s"))
                        .closeAfterIdle())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(JobConfig.load(null, Map.of()).closeAfterIdle()).isZero();
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("KW_TIME_CLOSE_AFTER_IDLE", "1m")))
                .hasMessageContaining("time.close-after-idle (PT1M) must be shorter than time.idleness (PT1M)");
    }
}

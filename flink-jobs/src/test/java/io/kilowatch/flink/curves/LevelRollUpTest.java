package io.kilowatch.flink.curves;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.records.AggregateChange;
import io.kilowatch.flink.records.AggregateKey;
import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.Level;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.flink.records.LoadSums;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * An aggregate's point is written again when a change comes for it after it was written,
 * including while this operator's watermark is behind the interval's end — after a restore,
 * which starts the watermark from nothing (SavepointUpgradeIT found the class level missing a
 * register correction that came then), or with another input channel holding it back.
 */
class LevelRollUpTest {
    private static final long T = 1_800_000_000_000L - 1_800_000_000_000L % 900_000;
    private static final AggregateKey KEY = new AggregateKey(Level.CLASS, "residential", Interval.FIFTEEN_MINUTES);

    private static KeyedOneInputStreamOperatorTestHarness<AggregateKey, AggregateChange, LoadPoint> harness()
            throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new LevelRollUp(Duration.ZERO, Duration.ofHours(2), CurveRules.defaults())),
                AggregateChange::key,
                TypeInformation.of(AggregateKey.class));
    }

    private static AggregateChange change(long kwh) {
        return new AggregateChange(KEY, T, new LoadSums(0, 0, 0, kwh, 1, 1, 0));
    }

    @Test
    void aChangeAfterARestoreRewritesThePointOnceEventTimePassesItsEnd() throws Exception {
        OperatorSubtaskState saved;
        try (var h = harness()) {
            h.open();
            h.processElement(new StreamRecord<>(change(5_000_000), T));
            h.processWatermark(T + 900_000);
            assertThat(h.extractOutputValues()).extracting(LoadPoint::kwh).containsExactly(5.0);
            saved = h.snapshot(1, 1);
        }
        try (var h = harness()) {
            h.initializeState(saved);
            h.open();
            // A register correction arrives before any watermark since the restore.
            h.processElement(new StreamRecord<>(change(-66), T));
            assertThat(h.extractOutputValues()).isEmpty();
            h.processWatermark(T + 900_000);
            assertThat(h.extractOutputValues()).extracting(LoadPoint::kwh).containsExactly(4.999934);
            assertThat(h.extractOutputValues()).extracting(LoadPoint::readings).containsExactly(2L);
        }
    }
}

package io.kilowatch.flink.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.kilowatch.flink.curves.MeterIntervals;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.model.Alert;
import io.kilowatch.model.RegistryEntry;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * {@link MeterAlerts} in a harness: a meter that falls silent past the state horizon, or leaves
 * the registry, is forgotten — its alerts resolved, its state and timers gone — while a meter
 * that keeps reading is watched on.
 */
class MeterAlertsTest {
    private static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    private static final long MIN = 60_000;
    private static final long DAY = 24 * 60 * MIN;

    private static KeyedBroadcastOperatorTestHarness<String, AlertSample, RegistryUpdate, Alert> harness()
            throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new MeterAlerts(AlertRules.defaults()), AlertSample::meterId, Types.STRING, MeterIntervals.REGISTRY);
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE); // the registry is not what holds event time back
        return h;
    }

    private static RegistryEntry entry(String meter) {
        return new RegistryEntry(meter, "c-" + meter, "residential", "T1", "F1", "north", "res-tou", 8, 400, 230, 1);
    }

    private static void reading(
            KeyedBroadcastOperatorTestHarness<String, AlertSample, RegistryUpdate, Alert> h, String meter, long ts)
            throws Exception {
        h.processElement(new StreamRecord<>(new AlertSample(meter, ts, 1.0, Double.NaN, 1.0, 1.0, 230, 230, 4.3), ts));
    }

    /** What it sent: straight out, and to its transformer area's incident fold (an offline alert goes there). */
    private static List<Alert> alerts(KeyedBroadcastOperatorTestHarness<String, AlertSample, RegistryUpdate, Alert> h) {
        List<Alert> out = new java.util.ArrayList<>(h.extractOutputValues());
        var members = h.getSideOutput(MeterAlerts.AREA_MEMBERS);
        if (members != null) {
            members.forEach(r -> out.add(r.getValue().alert()));
        }
        out.sort(java.util.Comparator.comparingLong(Alert::ts));
        return out;
    }

    private static int entries(KeyedBroadcastOperatorTestHarness<String, AlertSample, RegistryUpdate, Alert> h) {
        return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    /** m1 reads for 10 minutes, then nothing; m2 every minute for {@code days} (if {@code withM1} is false, m2 alone). */
    private static KeyedBroadcastOperatorTestHarness<String, AlertSample, RegistryUpdate, Alert> run(
            boolean withM1, long days) throws Exception {
        var h = harness();
        h.processBroadcastElement(new StreamRecord<>(new RegistryUpdate("m1", entry("m1"))));
        h.processBroadcastElement(new StreamRecord<>(new RegistryUpdate("m2", entry("m2"))));
        for (long t = T0; t < T0 + days * DAY; t += MIN) {
            if (withM1 && t < T0 + 10 * MIN) {
                reading(h, "m1", t);
            }
            reading(h, "m2", t);
            h.processWatermark(new Watermark(t - 2 * MIN)); // the job's bound behind the latest reading
        }
        return h;
    }

    @Test
    void aMeterSilentPastTheHorizonIsForgottenItsOfflineAlertResolved() throws Exception {
        try (var h = run(true, 9);
                var alone = run(false, 9)) {
            List<Alert> m1 =
                    alerts(h).stream().filter(a -> a.subjectId().equals("m1")).toList();
            // Last reading at 00:09, offline at 00:24 (15 min, on the minute), forgotten 7 days later.
            assertThat(m1)
                    .extracting(Alert::type, Alert::state, Alert::ts)
                    .containsExactly(
                            tuple("meter_offline", Alert.State.OPEN, T0 + 24 * MIN),
                            tuple("meter_offline", Alert.State.RESOLVED, T0 + 24 * MIN + 7 * DAY));
            assertThat(m1.get(1).message())
                    .contains("has sent nothing for 7 days")
                    .contains("no longer watched");
            assertThat(entries(h)).as("only m2's state is left").isEqualTo(entries(alone));
            assertThat(h.numEventTimeTimers()).as("only m2's timers are left").isEqualTo(alone.numEventTimeTimers());
        }
    }

    @Test
    void aMeterTakenOutOfTheRegistryIsForgotten() throws Exception {
        try (var h = run(true, 1);
                var alone = run(false, 1)) {
            h.processBroadcastElement(new StreamRecord<>(new RegistryUpdate("m1", null)));
            alone.processBroadcastElement(new StreamRecord<>(new RegistryUpdate("m1", null)));
            List<Alert> m1 =
                    alerts(h).stream().filter(a -> a.subjectId().equals("m1")).toList();
            assertThat(m1)
                    .extracting(Alert::type, Alert::state)
                    .containsExactly(
                            tuple("meter_offline", Alert.State.OPEN), tuple("meter_offline", Alert.State.RESOLVED));
            assertThat(m1.get(1).message()).contains("left the registry");
            assertThat(entries(h)).isEqualTo(entries(alone));
        }
    }
}

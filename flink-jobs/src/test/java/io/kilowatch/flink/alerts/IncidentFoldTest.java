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
 * {@link IncidentFold} in a harness: many meters of one area dark together are one incident with
 * its members linked and each sent once; a few are each their own; customers over capacity while
 * their transformer is overloaded are folded under the overload; most transformers of a feeder
 * are one feeder incident; and nothing is left in state once it is all over.
 */
class IncidentFoldTest {
    private static final long T0 = Instant.parse("2026-11-05T08:00:00Z").toEpochMilli();
    private static final long SEC = 1_000;
    private static final long MIN = 60 * SEC;

    private static KeyedBroadcastOperatorTestHarness<String, AreaMember, RegistryUpdate, Alert> harness(
            IncidentFold.Level level, String feeder, int transformers, int metersEach) throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new IncidentFold(level, AlertRules.Fold.defaults()),
                AreaMember::groupId,
                Types.STRING,
                MeterIntervals.REGISTRY);
        h.open();
        h.processBroadcastWatermark(Long.MAX_VALUE);
        for (int t = 1; t <= transformers; t++) {
            for (int m = 0; m < metersEach; m++) {
                String meter = "T" + t + "-m" + m;
                h.processBroadcastElement(new StreamRecord<>(new RegistryUpdate(
                        meter,
                        new RegistryEntry(
                                meter,
                                "c-" + meter,
                                "residential",
                                "T" + t,
                                feeder,
                                "north",
                                "res-tou",
                                8,
                                400,
                                230,
                                1))));
            }
        }
        return h;
    }

    private static Alert offline(String meter, Alert.State state, long ts, long lastReading) {
        return new Alert(
                meter + "/meter_offline/" + lastReading,
                "meter_offline",
                "warning",
                "meter",
                meter,
                "c-" + meter,
                state,
                ts,
                lastReading,
                15,
                15,
                "min",
                meter + " silent");
    }

    private static void send(
            KeyedBroadcastOperatorTestHarness<String, AreaMember, RegistryUpdate, Alert> h, String group, Alert a)
            throws Exception {
        h.processElement(new StreamRecord<>(new AreaMember(group, a), a.ts()));
    }

    private static List<Alert> up(KeyedBroadcastOperatorTestHarness<String, AreaMember, RegistryUpdate, Alert> h) {
        var q = h.getSideOutput(IncidentFold.UP);
        return q == null ? List.of() : q.stream().map(r -> r.getValue().alert()).toList();
    }

    private static int entries(KeyedBroadcastOperatorTestHarness<String, AreaMember, RegistryUpdate, Alert> h) {
        return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    @Test
    void sevenOfTenMetersDarkTogetherAreOneAreaOutageWithTheirAlertsLinkedAndEachSentOnce() throws Exception {
        try (var h = harness(IncidentFold.Level.TRANSFORMER, "F1", 1, 10)) {
            for (int i = 0; i < 7; i++) {
                // Each read last at T0 + i×10 s and went offline 15 min later (on the minute): within one window.
                send(h, "T1", offline("T1-m" + i, Alert.State.OPEN, T0 + 15 * MIN + (i / 4) * MIN, T0 + i * 10 * SEC));
            }
            h.processWatermark(new Watermark(T0 + 15 * MIN + 2 * MIN));
            assertThat(h.extractOutputValues())
                    .as("members wait for the window")
                    .isEmpty();
            h.processWatermark(new Watermark(T0 + 20 * MIN));
            String incident = "T1/area_outage/" + T0;
            List<Alert> sent = h.extractOutputValues();
            assertThat(sent).hasSize(7).allSatisfy(a -> assertThat(a.parentId()).isEqualTo(incident));
            assertThat(sent).extracting(Alert::subjectId).doesNotHaveDuplicates();
            // The transformer's incident goes on to its feeder's fold, not out.
            assertThat(up(h)).singleElement().satisfies(a -> {
                assertThat(a)
                        .extracting(
                                Alert::alertId,
                                Alert::type,
                                Alert::level,
                                Alert::subjectId,
                                Alert::state,
                                Alert::value,
                                Alert::threshold,
                                Alert::unit,
                                Alert::customerId)
                        .containsExactly(
                                incident,
                                "area_outage",
                                "transformer",
                                "T1",
                                Alert.State.OPEN,
                                7.0,
                                5.0,
                                "meters",
                                null);
                assertThat(a.message())
                        .startsWith("7 of 10 meters of transformer T1 went dark together from 2026-11-05T08:00:00Z: ")
                        .contains("T1-m0, T1-m1", "T1-m6");
            });
            // An eighth joins while it is open: linked at once.
            send(h, "T1", offline("T1-m7", Alert.State.OPEN, T0 + 30 * MIN, T0 + 15 * MIN));
            for (int i = 0; i < 8; i++) {
                send(
                        h,
                        "T1",
                        offline(
                                "T1-m" + i,
                                Alert.State.RESOLVED,
                                T0 + 60 * MIN + i * SEC,
                                i == 7 ? T0 + 15 * MIN : T0 + i * 10 * SEC));
            }
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            List<Alert> all = h.extractOutputValues();
            assertThat(all).hasSize(16).allSatisfy(a -> assertThat(a.parentId()).isEqualTo(incident));
            assertThat(up(h))
                    .extracting(Alert::state, Alert::ts, Alert::value)
                    .containsExactly(
                            tuple(Alert.State.OPEN, T0 + 16 * MIN, 7.0),
                            tuple(Alert.State.RESOLVED, T0 + 60 * MIN + 7 * SEC, 8.0));
            assertThat(entries(h)).as("nothing left once it is over").isZero();
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void twoMetersDarkInAnAreaOfTenAreEachTheirOwn() throws Exception {
        try (var h = harness(IncidentFold.Level.TRANSFORMER, null, 1, 10)) {
            send(h, "T1", offline("T1-m1", Alert.State.OPEN, T0 + 15 * MIN, T0));
            send(h, "T1", offline("T1-m2", Alert.State.OPEN, T0 + 16 * MIN, T0 + MIN));
            send(h, "T1", offline("T1-m2", Alert.State.RESOLVED, T0 + 17 * MIN, T0 + MIN));
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(h.extractOutputValues())
                    .extracting(Alert::subjectId, Alert::state, Alert::parentId)
                    .containsExactly(
                            tuple("T1-m1", Alert.State.OPEN, null),
                            tuple("T1-m2", Alert.State.OPEN, null),
                            tuple("T1-m2", Alert.State.RESOLVED, null));
            assertThat(up(h)).isEmpty();
            send(h, "T1", offline("T1-m1", Alert.State.RESOLVED, Long.MAX_VALUE - 1, T0));
            assertThat(entries(h)).isZero();
        }
    }

    @Test
    void customersOverCapacityWhileTheirTransformerIsOverloadedAreFoldedUnderTheOverload() throws Exception {
        try (var h = harness(IncidentFold.Level.TRANSFORMER, "F1", 1, 10)) {
            long at = T0 + 2 * MIN;
            Alert overload = new Alert(
                    "T1/transformer_overload/" + T0,
                    "transformer_overload",
                    "critical",
                    "transformer",
                    "T1",
                    null,
                    Alert.State.OPEN,
                    at,
                    T0,
                    1200,
                    1000,
                    "kVA",
                    "overloaded");
            send(h, "T1", over("T1-m1", Alert.State.OPEN, at - 30 * SEC)); // a little before the overload opened
            send(h, "T1", overload);
            send(h, "T1", over("T1-m2", Alert.State.OPEN, at + MIN));
            send(
                    h,
                    "T1",
                    new Alert(
                            overload.alertId(),
                            overload.type(),
                            overload.severity(),
                            overload.level(),
                            "T1",
                            null,
                            Alert.State.RESOLVED,
                            at + 30 * MIN,
                            T0,
                            1300,
                            1000,
                            "kVA",
                            "back"));
            send(h, "T1", over("T1-m1", Alert.State.RESOLVED, at + 31 * MIN));
            send(h, "T1", over("T1-m3", Alert.State.OPEN, at + 3 * 60 * MIN)); // hours later, the transformer fine
            h.processWatermark(new Watermark(Long.MAX_VALUE));
            assertThat(h.extractOutputValues())
                    .extracting(Alert::subjectId, Alert::state, Alert::parentId)
                    .containsExactlyInAnyOrder(
                            tuple("T1", Alert.State.OPEN, null), tuple("T1", Alert.State.RESOLVED, null),
                            tuple("T1-m1", Alert.State.OPEN, overload.alertId()),
                                    tuple("T1-m2", Alert.State.OPEN, overload.alertId()),
                            tuple("T1-m1", Alert.State.RESOLVED, overload.alertId()),
                                    tuple("T1-m3", Alert.State.OPEN, null));
            assertThat(up(h))
                    .as("an overload is the transformer's own alert, not an area incident")
                    .isEmpty();
        }
    }

    private static Alert over(String meter, Alert.State state, long ts) {
        return new Alert(
                meter + "/over_capacity/" + (ts - 2 * MIN),
                "over_capacity",
                "warning",
                "meter",
                meter,
                "c-" + meter,
                state,
                ts,
                ts - 2 * MIN,
                10,
                8,
                "kVA",
                "over");
    }

    @Test
    void mostTransformersOfAFeederDarkTogetherAreOneFeederOutage() throws Exception {
        try (var h = harness(IncidentFold.Level.FEEDER, "F1", 4, 2)) {
            for (int t = 1; t <= 3; t++) {
                send(
                        h,
                        "F1",
                        new Alert(
                                "T" + t + "/area_outage/" + T0,
                                "area_outage",
                                "critical",
                                "transformer",
                                "T" + t,
                                null,
                                Alert.State.OPEN,
                                T0 + 16 * MIN,
                                T0,
                                2,
                                1,
                                "meters",
                                "T" + t + " dark"));
            }
            h.processWatermark(new Watermark(T0 + 30 * MIN));
            List<Alert> out = h.extractOutputValues();
            assertThat(out.get(0))
                    .extracting(
                            Alert::alertId,
                            Alert::type,
                            Alert::level,
                            Alert::subjectId,
                            Alert::value,
                            Alert::threshold,
                            Alert::unit)
                    .containsExactly("F1/area_outage/" + T0, "area_outage", "feeder", "F1", 3.0, 3.0, "transformers");
            assertThat(out.get(0).message())
                    .startsWith("3 of 4 transformers of feeder F1 went dark together")
                    .endsWith(": T1, T2, T3.");
            assertThat(out.subList(1, 4))
                    .extracting(Alert::subjectId, Alert::parentId)
                    .containsExactly(
                            tuple("T1", "F1/area_outage/" + T0),
                            tuple("T2", "F1/area_outage/" + T0),
                            tuple("T3", "F1/area_outage/" + T0));
        }
    }
}

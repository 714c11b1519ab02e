package io.kilowatch.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.kilowatch.flink.alerts.AlertRules;
import io.kilowatch.flink.alerts.AlertStage;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.flink.wiring.EventTime;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.model.Alert;
import io.kilowatch.model.Reading;
import io.kilowatch.model.RegistryEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The production alert pipeline on a mini cluster, parallelism 2, no Kryo fallback: readings
 * shuffled within the watermark bound and partly redelivered still give exactly the episodes in
 * them, with the same ids, on the heap and in RocksDB (which serializes the rules' state on
 * every access).
 */
class AlertPipelineTest {
    @org.junit.jupiter.api.extension.RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final long T0 = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
    private static final long MIN = 60_000;
    private static final int MINUTES = 150;

    /** T1: customers m1, m3 and area meter m9; T2: m2 alone (no area meter). */
    private static final List<RegistryEntry> REGISTRY = List.of(
            new RegistryEntry("m1", "c1", "commercial", "T1", "F1", "north", "com-tou", 8, 400, 230, 3),
            new RegistryEntry("m3", "c3", "residential", "T1", "F1", "north", "res-tou", 8, 400, 230, 1),
            new RegistryEntry("m9", "GRID", "transformer", "T1", "F1", "north", "grid", 400, 400, 230, 3),
            new RegistryEntry("m2", "c2", "residential", "T2", "F1", "north", "res-tou", 8, 400, 230, 1));

    /**
     * m1 draws 5 kW, 9 kW (over its 8 kVA) in minutes 60–74; m3 2 kW; m9 reads their sum plus
     * 3 % line losses, and 25 % more (a tap) in minutes 30–89; m2 goes dark after minute 99.
     */
    private static List<Reading> readings() {
        List<Reading> out = new ArrayList<>();
        for (int m = 0; m < MINUTES; m++) {
            long ts = T0 + m * MIN;
            double m1 = m >= 60 && m < 75 ? 9 : 5;
            double m3 = 2;
            double tap = m >= 30 && m < 90 ? 0.25 : 0;
            out.add(Reading.of("m1", ts, m1));
            out.add(Reading.of("m3", ts, m3));
            out.add(Reading.of("m9", ts, (m1 + m3) * (1.03 + tap)));
            if (m < 100) {
                out.add(Reading.of("m2", ts, 1));
                if (m % 7 == 0) {
                    out.add(Reading.of("m2", ts, 1)); // QoS 1 redelivery
                }
            }
        }
        // Shuffled within 40 s windows of arrival (the job's bound here is 2 min).
        Random r = new Random(7);
        for (int from = 0; from < out.size(); from += 6) {
            Collections.shuffle(out.subList(from, Math.min(out.size(), from + 6)), r);
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"hashmap", "rocksdb"})
    void everyEpisodeInTheReadingsOnceWithItsTimes(String stateBackend) throws Exception {
        List<Alert> alerts = run(readings(), stateBackend).stream()
                .sorted(java.util.Comparator.comparingLong(Alert::ts).thenComparing(Alert::type))
                .toList();
        assertThat(alerts)
                .extracting(Alert::type, Alert::subjectId, Alert::state, Alert::ts, Alert::openedAt)
                .containsExactly(
                        tuple("over_capacity", "m1", Alert.State.OPEN, T0 + 62 * MIN, T0 + 60 * MIN),
                        tuple("excess_line_loss", "T1", Alert.State.OPEN, T0 + 75 * MIN, T0 + 30 * MIN),
                        tuple("over_capacity", "m1", Alert.State.RESOLVED, T0 + 80 * MIN, T0 + 60 * MIN),
                        tuple("meter_offline", "m2", Alert.State.OPEN, T0 + 114 * MIN, T0 + 99 * MIN),
                        tuple("excess_line_loss", "T1", Alert.State.RESOLVED, T0 + 135 * MIN, T0 + 30 * MIN));
        // The end of the input passed every meter's offline timer: no meter went offline for it.
        Alert loss = alerts.get(1);
        assertThat(loss.level()).isEqualTo("transformer");
        assertThat(loss.customerId()).isNull();
        assertThat(loss.value())
                .as("0.28 of every 1.28 kWh reached no customer meter")
                .isEqualTo(0.219);
        assertThat(loss.alertId()).isEqualTo("T1/excess_line_loss/" + (T0 + 30 * MIN));
        assertThat(alerts.get(0).customerId()).isEqualTo("c1");
    }

    @org.junit.jupiter.api.Test
    void aBackfillFindsHistorysSilenceButNotTheEndOfTheInput() throws Exception {
        // An unregistered meter, every minute for an hour, silent for an hour, then another hour.
        List<Reading> readings = new ArrayList<>();
        for (int m = 0; m < 180; m++) {
            if (m < 60 || m >= 120) {
                readings.add(Reading.of("h1", T0 + m * MIN, 0.5));
            }
        }
        readings.add(Reading.of("h2", T0, 0.5)); // another meter, silent after its first reading
        var range = new io.kilowatch.flink.records.EventTimeRange(
                Instant.ofEpochMilli(T0), Instant.ofEpochMilli(T0 + 180 * MIN));
        Configuration conf = FlinkSetup.baseConfiguration();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        ArrayList<Reading> data = new ArrayList<>(readings);
        AlertJob job = new AlertJob(
                new DataGeneratorSource<>(i -> data.get(i.intValue()), data.size(), TypeInformation.of(Reading.class)),
                new DataGeneratorSource<>(
                        i -> new RegistryUpdate("", null), 1, TypeInformation.of(RegistryUpdate.class)),
                new EventTime(
                        Duration.ofMinutes(2),
                        Duration.ofSeconds(10),
                        Duration.ZERO,
                        true), // a backfill's: judged at the end
                new AlertStage(
                                new AlertStage.Params(AlertRules.defaults()),
                                new DiscardingSink<>(),
                                new DiscardingSink<>())
                        .restrictedTo(range));
        List<Alert> out = new ArrayList<>();
        try (CloseableIterator<Alert> it = job.build(env).collectAsync()) {
            env.execute("alert backfill test");
            it.forEachRemaining(out::add);
        }
        assertThat(out)
                .extracting(Alert::subjectId, Alert::type, Alert::state, Alert::ts)
                .containsExactlyInAnyOrder(
                        tuple("h1", "meter_offline", Alert.State.OPEN, T0 + 74 * MIN),
                        tuple("h1", "meter_offline", Alert.State.RESOLVED, T0 + 120 * MIN),
                        tuple("h2", "meter_offline", Alert.State.OPEN, T0 + 15 * MIN));
    }

    private static List<Alert> run(List<Reading> readings, String stateBackend) throws Exception {
        Configuration conf = FlinkSetup.baseConfiguration();
        conf.set(StateBackendOptions.STATE_BACKEND, stateBackend);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(2);
        ArrayList<Reading> data = new ArrayList<>(readings);
        ArrayList<RegistryUpdate> registry = new ArrayList<>(
                REGISTRY.stream().map(e -> new RegistryUpdate(e.meterId(), e)).toList());
        AlertJob job = new AlertJob(
                new DataGeneratorSource<>(i -> data.get(i.intValue()), data.size(), TypeInformation.of(Reading.class)),
                new DataGeneratorSource<>(
                        i -> registry.get(i.intValue()), registry.size(), TypeInformation.of(RegistryUpdate.class)),
                new EventTime(Duration.ofMinutes(2), Duration.ofSeconds(10)),
                new AlertStage(
                        new AlertStage.Params(AlertRules.defaults()), new DiscardingSink<>(), new DiscardingSink<>()));
        List<Alert> out = new ArrayList<>();
        try (CloseableIterator<Alert> it = job.build(env).collectAsync()) {
            env.execute("alert pipeline test");
            it.forEachRemaining(out::add);
        }
        return out;
    }
}

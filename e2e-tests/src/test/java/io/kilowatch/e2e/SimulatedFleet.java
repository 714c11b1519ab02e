package io.kilowatch.e2e;

import io.kilowatch.flink.AlertJob;
import io.kilowatch.flink.alerts.AlertRules;
import io.kilowatch.flink.alerts.AlertStage;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.flink.wiring.EventTime;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.model.Alert;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.sim.fleet.Fleet;
import io.kilowatch.sim.fleet.FleetSimulation;
import io.kilowatch.sim.fleet.Reporting;
import io.kilowatch.sim.fleet.Scenario;
import io.kilowatch.sim.fleet.Topology;
import io.kilowatch.sim.score.GroundTruth;
import io.kilowatch.sim.score.Scorer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;

/**
 * The simulator's fleet and scenario without a broker: the readings {@code fleet} would publish
 * (one a minute, no field noise), the production alert pipeline over them on a mini cluster, and
 * {@code score}'s scorer over its alerts. For judging the rules on whole fleets in seconds; the
 * same scenarios through the whole service are {@code scripts/demo.sh} and AlertScoreIT.
 */
final class SimulatedFleet {
    final Topology topology;
    final Scenario scenario;
    final List<Reading> readings = new ArrayList<>();

    /** A mixed fleet of {@code meters} customers (50 a transformer, each with its area meter), seed 42, from {@code start}. */
    SimulatedFleet(String prefix, int meters, Instant start, Duration duration, List<String> scenarioLines)
            throws Exception {
        this(prefix, meters, 50, 10, start, duration, scenarioLines);
    }

    /** The same with {@code metersPerTransformer} customers a transformer and {@code transformersPerFeeder} a feeder. */
    SimulatedFleet(
            String prefix,
            int meters,
            int metersPerTransformer,
            int transformersPerFeeder,
            Instant start,
            Duration duration,
            List<String> scenarioLines)
            throws Exception {
        topology = Topology.generate(prefix, meters, 42, metersPerTransformer, transformersPerFeeder, 10);
        scenario = Scenario.parse(scenarioLines, start);
        Fleet fleet = new Fleet(topology, 42, Duration.ofMinutes(1), ZoneOffset.ofHours(8));
        ReadingCodec codec = new ReadingCodec();
        try (FleetSimulation sim = new FleetSimulation(
                fleet,
                new FleetSimulation.Settings(start, duration, Duration.ofMinutes(1), 0, Duration.ZERO, 42),
                Reporting.direct(),
                scenario,
                (topic, payload) -> readings.add(codec.decodeReading(payload)),
                null)) {
            sim.run();
        }
    }

    List<GroundTruth> groundTruth() {
        return scenario.anomalies().stream()
                .map(a -> new GroundTruth(a.subject(), a.type(), a.start(), a.end()))
                .toList();
    }

    /** Every alert transition of the production alert pipeline (parallelism 2) over the readings. */
    List<Alert> alerts(AlertRules rules) throws Exception {
        return alertsOf(
                readings,
                topology.meters().stream().map(Topology.MeterSpec::entry).toList(),
                rules);
    }

    /** Every alert transition of the production alert pipeline (parallelism 2) over {@code readings} with this registry. */
    static List<Alert> alertsOf(
            List<Reading> readings, List<io.kilowatch.model.RegistryEntry> entries, AlertRules rules) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.baseConfiguration());
        env.setParallelism(2);
        ArrayList<Reading> data = new ArrayList<>(readings);
        ArrayList<RegistryUpdate> registry = new ArrayList<>(
                entries.stream().map(e -> new RegistryUpdate(e.meterId(), e)).toList());
        AlertJob job = new AlertJob(
                new DataGeneratorSource<>(i -> data.get(i.intValue()), data.size(), TypeInformation.of(Reading.class)),
                new DataGeneratorSource<>(
                        i -> registry.get(i.intValue()), registry.size(), TypeInformation.of(RegistryUpdate.class)),
                new EventTime(Duration.ofMinutes(2), Duration.ofSeconds(10)),
                new AlertStage(new AlertStage.Params(rules), new DiscardingSink<>(), new DiscardingSink<>()));
        List<Alert> out = new ArrayList<>();
        try (CloseableIterator<Alert> it = job.build(env).collectAsync()) {
            env.execute("alerts on a simulated fleet");
            it.forEachRemaining(out::add);
        }
        return out;
    }

    Scorer.Result score(List<Alert> alerts) {
        return Scorer.of(
                        Duration.ofMinutes(15),
                        topology.meters().stream()
                                .map(Topology.MeterSpec::entry)
                                .toList())
                .score(groundTruth(), alerts);
    }
}

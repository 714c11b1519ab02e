package io.kilowatch.sim;

import io.kilowatch.sim.fleet.Fleet;
import io.kilowatch.sim.fleet.FleetSimulation;
import io.kilowatch.sim.fleet.Reporting;
import io.kilowatch.sim.fleet.Scenario;
import io.kilowatch.sim.fleet.Topology;
import io.kilowatch.sim.mqtt.MqttPublisher;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "fleet",
        mixinStandardHelpOptions = true,
        description = {
            "Simulates a fleet of smart meters on a grid (regions, feeders, transformers) publishing one reading",
            "each per period to MQTT (QoS 1): residential (some with an electric vehicle), commercial, industrial on",
            "one to three shifts, and prosumers with rooftop PV. --registry writes the fleet's registry CSV for",
            "scripts/registry.sh load. Deterministic for a --seed: the same options publish the same readings."
        })
public final class FleetCommand implements Callable<Integer> {

    @Mixin
    MqttOptions broker = new MqttOptions();

    @Option(
            names = "--meters",
            defaultValue = "1000",
            description =
                    "Customer meters (default: ${DEFAULT-VALUE}); a mixed fleet adds one area meter per transformer.")
    int meters;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--start", description = "Simulated start, ISO-8601 instant (default: yesterday 00:00 UTC).")
    Instant start;

    @Option(
            names = "--duration",
            defaultValue = "PT24H",
            description = "Simulated time to cover: PT24H, 3h, 90m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
            names = "--period",
            defaultValue = "PT1M",
            description = "Sampling period of each meter (default: ${DEFAULT-VALUE}).")
    Duration period;

    @Option(
            names = "--speed",
            defaultValue = "480",
            description =
                    "Simulated seconds per wall-clock second; 0 = as fast as possible (default: ${DEFAULT-VALUE}, a day in 3 min).")
    double speed;

    @Option(
            names = "--max-delay",
            defaultValue = "PT0S",
            description =
                    "Publish each reading up to this long after its time, shuffling the order (default: ${DEFAULT-VALUE}).")
    Duration maxDelay;

    @Option(
            names = "--event-time-spread",
            defaultValue = "30s",
            description =
                    "Over several connections, no connection falls further behind another in event time than this (a publish"
                            + " waits for earlier ones' acknowledgements), so the pipeline's out-of-orderness (time.out-of-orderness, 2m)"
                            + " holds at full speed; 0s for no bound (default: ${DEFAULT-VALUE}).")
    Duration eventTimeSpread;

    @Option(
            names = "--meter-prefix",
            defaultValue = "M",
            description = "Meter ids are this prefix and a 5-digit number (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(
            names = "--zone-offset",
            defaultValue = "+08:00",
            description = "Local time of the fleet, for its daily shape (default: ${DEFAULT-VALUE}).")
    String zoneOffset;

    @Option(
            names = "--mix",
            defaultValue = "mixed",
            description =
                    "Customer mix: mixed (80%% residential, 9%% commercial, 6%% industrial, 5%% prosumer) or residential (default: ${DEFAULT-VALUE}).")
    String mix;

    @Option(
            names = "--meters-per-transformer",
            defaultValue = "50",
            description = "Customers per transformer (default: ${DEFAULT-VALUE}).")
    int metersPerTransformer;

    @Option(
            names = "--transformers-per-feeder",
            defaultValue = "10",
            description = "Transformers per feeder (default: ${DEFAULT-VALUE}).")
    int transformersPerFeeder;

    @Option(
            names = "--feeders-per-region",
            defaultValue = "5",
            description = "Feeders per region (default: ${DEFAULT-VALUE}).")
    int feedersPerRegion;

    @Option(
            names = "--registry",
            description = "Write the fleet's registry CSV (for scripts/registry.sh load) to this file.")
    Path registry;

    @Option(names = "--registry-only", description = "Write the registry (--registry) and stop without publishing.")
    boolean registryOnly;

    @Option(
            names = "--concentrator-share",
            defaultValue = "0",
            description = "Share of meters read by data concentrators that upload batches (default: ${DEFAULT-VALUE}).")
    double concentratorShare;

    @Option(
            names = "--meters-per-concentrator",
            defaultValue = "100",
            description = "Meters behind one concentrator (default: ${DEFAULT-VALUE}).")
    int metersPerConcentrator;

    @Option(
            names = "--batch-every",
            defaultValue = "PT15M",
            description = "A concentrator uploads its readings this often (default: ${DEFAULT-VALUE}).")
    Duration batchEvery;

    @Option(
            names = "--max-upload-delay",
            defaultValue = "PT0S",
            description = "Each batch goes out up to this long after it closed, e.g. 2h (default: ${DEFAULT-VALUE}).")
    Duration maxUploadDelay;

    @Option(
            names = "--reupload-rate",
            defaultValue = "0",
            description = "Share of batches uploaded twice (default: ${DEFAULT-VALUE}).")
    double reuploadRate;

    @Option(
            names = "--drop-rate",
            defaultValue = "0",
            description = "Share of readings lost in the field (default: ${DEFAULT-VALUE}).")
    double dropRate;

    @Option(
            names = "--duplicate-rate",
            defaultValue = "0",
            description = "Share of meters' messages sent twice (default: ${DEFAULT-VALUE}).")
    double duplicateRate;

    @Option(
            names = "--max-clock-skew",
            defaultValue = "PT0S",
            description =
                    "Each meter's clock is off by a fixed amount up to this, either way (default: ${DEFAULT-VALUE}).")
    Duration maxClockSkew;

    @Option(
            names = "--scenario",
            description =
                    "Anomalies to inject, one per line: type,subject,start,duration[,factor] (see simulators/README.md).")
    Path scenarioFile;

    @Option(
            names = "--ground-truth",
            description = "Write what the scenario injected (subject,type,start,end) to this file.")
    Path groundTruth;

    @Option(
            names = "--record",
            description = "Write every published reading, exactly as sent, as JSON lines to this file.")
    Path record;

    @Option(
            names = "--progress",
            defaultValue = "5s",
            description = "How often to print progress; 0s for never (default: ${DEFAULT-VALUE}).")
    Duration progress;

    @Override
    public Integer call() throws Exception {
        Instant from = start != null
                ? start
                : LocalDate.now(ZoneOffset.UTC).minusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        Topology topology = switch (mix) {
            case "mixed" ->
                Topology.generate(prefix, meters, seed, metersPerTransformer, transformersPerFeeder, feedersPerRegion);
            case "residential" -> Topology.residential(prefix, meters);
            default -> throw new IllegalArgumentException("--mix must be mixed or residential, got " + mix);
        };
        Reporting reporting = new Reporting(
                concentratorShare,
                metersPerConcentrator,
                batchEvery,
                maxUploadDelay,
                reuploadRate,
                dropRate,
                duplicateRate,
                maxClockSkew);
        if (registry != null) {
            topology.writeRegistry(registry, reporting);
            System.out.printf("fleet: registry of %d meters written to %s%n", topology.size(), registry);
        }
        if (registryOnly) {
            return registry == null ? 2 : 0;
        }
        Fleet fleet = new Fleet(topology, seed, period, ZoneOffset.of(zoneOffset));
        Scenario scenario = scenarioFile == null ? Scenario.none() : Scenario.load(scenarioFile, from);
        if (groundTruth != null) {
            scenario.writeGroundTruth(groundTruth);
        }
        FleetSimulation.Settings s = new FleetSimulation.Settings(from, duration, period, speed, maxDelay, seed);
        long expected = (long) topology.size() * (duration.toMillis() / period.toMillis());
        System.out.printf(
                "fleet: %d meters (%d customers', %d transformer areas'), %s from %s, every %s, speed %s, %d readings to %s%n",
                topology.size(),
                meters,
                topology.size() - meters,
                duration,
                from,
                period,
                speed <= 0 ? "max" : speed + "x",
                expected,
                broker.url());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        long began = System.nanoTime();
        try (MqttPublisher mqtt = new MqttPublisher(
                        broker.endpoint(),
                        "kilowatch-sim-" + ProcessHandle.current().pid(),
                        broker.connections(),
                        eventTimeSpread);
                FleetSimulation sim =
                        new FleetSimulation(fleet, s, reporting, scenario, inSimulatedTime(mqtt), record)) {
            Runtime.getRuntime().addShutdownHook(new Thread(sim::stop));
            if (!progress.isZero()) {
                ticker.scheduleAtFixedRate(
                        () -> System.out.printf(
                                "fleet: simulated %s, published %d (%d acked by broker), %.0f/s%n",
                                Instant.ofEpochMilli(sim.simulatedTime()),
                                sim.published(),
                                mqtt.acked(),
                                sim.published() / ((System.nanoTime() - began) / 1e9)),
                        progress.toMillis(),
                        progress.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            sim.run();
            mqtt.awaitAllAcknowledged(Duration.ofSeconds(60));
            System.out.printf(
                    "fleet: done, published %d readings, %d acknowledged by the broker, %d failed, in %.1f s%n",
                    sim.published(), mqtt.acked(), mqtt.failed(), (System.nanoTime() - began) / 1e9);
            if (sim.batches() > 0 || sim.dropped() > 0 || sim.duplicated() > 0) {
                System.out.printf(
                        "fleet: %d concentrator batches (%d uploaded twice), %d readings dropped in the field, %d sent twice%n",
                        sim.batches(), sim.reuploads(), sim.dropped(), sim.duplicated());
            }
            return mqtt.failed() == 0 ? 0 : 1;
        } finally {
            ticker.shutdownNow();
        }
    }

    /** The fleet's messages keep their connections together in simulated time ({@code --event-time-spread}). */
    private static FleetSimulation.Publisher inSimulatedTime(MqttPublisher mqtt) {
        return new FleetSimulation.Publisher() {
            @Override
            public void publish(String topic, byte[] payload) throws Exception {
                mqtt.publish(topic, payload);
            }

            @Override
            public void publish(String topic, byte[] payload, long simulatedAt) throws Exception {
                mqtt.publish(topic, payload, simulatedAt);
            }
        };
    }
}

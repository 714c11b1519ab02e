package io.kilowatch.sim;

import io.kilowatch.model.ConcentratorBatch;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.Topics;
import io.kilowatch.sim.loadtest.ComponentRates;
import io.kilowatch.sim.loadtest.LoadtestRun;
import io.kilowatch.sim.mqtt.MqttPublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "loadtest",
        mixinStandardHelpOptions = true,
        description = {
            "Drives the running pipeline (bridge, Kafka, load-curve job, InfluxDB) at a target rate and reports what it",
            "sustained: ramps to --rate readings/s, holds it, then publishes a thin tail so the last minutes close.",
            "Readings carry their publish time as event time. Measures, per minute, when InfluxDB's class-level 1-minute",
            "points add up to what was published (publish -> point and window close -> point latencies, HdrHistogram),",
            "reconciles published / in Kafka / dead-lettered / counted in InfluxDB, and writes report.md, seconds.csv,",
            "minutes.csv and plot.png to --out. Scripted by scripts/loadtest.sh."
        })
public final class LoadtestCommand implements Callable<Integer> {

    @Mixin
    MqttOptions broker = MqttOptions.withConnections(8);

    @Mixin
    KafkaOption kafka;

    @Mixin
    InfluxOptions influx;

    @Option(names = "--rate", defaultValue = "20000", description = "Target readings/s (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--ramp", defaultValue = "PT30S", description = "Ramp time (default: ${DEFAULT-VALUE}).")
    Duration ramp;

    @Option(names = "--hold", defaultValue = "PT2M", description = "Hold time (default: ${DEFAULT-VALUE}).")
    Duration hold;

    @Option(
            names = "--meters",
            defaultValue = "0",
            description = "Meters (default: as many as readings/s, so each reads at most once a second).")
    int meters;

    @Option(
            names = "--mode",
            defaultValue = "per-meter",
            description = "per-meter (one message a reading) or concentrator (batches) (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(
            names = "--batch-size",
            defaultValue = "500",
            description = "Readings per concentrator batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--close-delay",
            defaultValue = "PT5S",
            description =
                    "The job's out-of-orderness: a minute's window closes this long after it ends (default: ${DEFAULT-VALUE}).")
    Duration closeDelay;

    @Option(
            names = "--settle",
            defaultValue = "PT3M",
            description = "Longest wait after publishing for the last minutes to appear (default: ${DEFAULT-VALUE}).")
    Duration settle;

    @Option(
            names = "--meter-prefix",
            defaultValue = "LT",
            description = "Meter ids are this prefix and a number (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(
            names = "--out",
            defaultValue = "loadtest-report",
            description = "Report folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--component-readings",
            defaultValue = "300000",
            description =
                    "After the run, measure the broker, a Kafka producer and InfluxDB /write alone with this many readings"
                            + " (points) each; 0 to skip (default: ${DEFAULT-VALUE}).")
    int componentReadings;

    @Option(
            names = "--alert-probe-every",
            defaultValue = "1000",
            description =
                    "One meter in this many sets its register back once, halfway through the hold: a tamper alert each for"
                            + " the publish -> alert latency when an alert job runs; 0 for none (default: ${DEFAULT-VALUE}).")
    int alertProbeEvery;

    @Override
    public Integer call() throws Exception {
        if (!mode.equals("per-meter") && !mode.equals("concentrator")) {
            throw new IllegalArgumentException("--mode must be per-meter or concentrator");
        }
        int n = meters > 0 ? meters : (int) Math.max(1, Math.ceil(rate));
        LoadtestRun.Settings s = new LoadtestRun.Settings(
                rate,
                ramp,
                hold,
                n,
                mode,
                batchSize,
                closeDelay,
                settle,
                kafka.bootstrap(),
                influx.url(),
                influx.database(),
                influx.login(),
                prefix,
                out,
                alertProbeEvery);
        ReadingCodec codec = new ReadingCodec();
        try (MqttPublisher mqtt = new MqttPublisher(
                broker.endpoint(),
                "kilowatch-loadtest-" + ProcessHandle.current().pid(),
                broker.connections())) {
            LoadtestRun run = new LoadtestRun(s, new LoadtestRun.Sender() {
                @Override
                public void reading(Reading r) throws Exception {
                    mqtt.publish(Topics.meterReadingTopic(r.meterId()), codec.encode(r));
                }

                @Override
                public void batch(ConcentratorBatch b) throws Exception {
                    mqtt.publish(Topics.concentratorBatchTopic(b.concentratorId()), codec.encode(b));
                }

                @Override
                public long acked() {
                    return mqtt.acked();
                }

                @Override
                public long failed() {
                    return mqtt.failed();
                }
            });
            boolean reconciled = run.run();
            if (componentReadings > 0) {
                measureComponents();
            }
            return reconciled ? 0 : 1;
        }
    }

    private void measureComponents() throws Exception {
        System.out.println("measuring the raw components on the same stack ...");
        String run = Long.toString(System.currentTimeMillis(), 36);
        ComponentRates probe = new ComponentRates(
                broker.endpoint(), broker.connections(), kafka.bootstrap(), influx.url(), influx.login());
        int batch = mode.equals("concentrator") ? batchSize : 1;
        // Batches move several times faster through the broker: give them enough to be a sustained rate.
        List<ComponentRates.Rate> rates = List.of(
                probe.mosquitto(batch > 1 ? componentReadings * 4 : componentReadings, batch, run),
                probe.kafkaProducer(componentReadings, run),
                probe.influxWrite(componentReadings, run));
        String md = ComponentRates.markdown(rates);
        Files.writeString(out.resolve("report.md"), md, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        Files.write(out.resolve("components.csv"), ComponentRates.csv(rates), StandardCharsets.UTF_8);
        System.out.print(md);
    }
}

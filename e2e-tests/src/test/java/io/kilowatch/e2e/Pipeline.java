package io.kilowatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.LoadCurveJob;
import io.kilowatch.flink.alerts.AlertStage;
import io.kilowatch.flink.curves.LoadCurveStage;
import io.kilowatch.flink.io.ReadingDeserializationSchema;
import io.kilowatch.flink.records.LateReading;
import io.kilowatch.flink.tariffs.TariffParams;
import io.kilowatch.flink.tariffs.TariffStage;
import io.kilowatch.flink.wiring.Connectors;
import io.kilowatch.flink.wiring.EventTime;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.ingest.IngestConfig;
import io.kilowatch.ingest.IngestService;
import io.kilowatch.model.Reading;
import io.kilowatch.model.Topics;
import io.kilowatch.model.testing.TestStack;
import io.kilowatch.sim.SimulatorMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.common.TopicPartition;

/** The parts of the whole path the end-to-end tests share: the bridge's settings, waiting for it, and the load-curve job. */
final class Pipeline {
    private Pipeline() {}

    /** The stack's broker as the head-end account, which may publish for any meter: how the simulator logs in. */
    static io.kilowatch.sim.mqtt.MqttEndpoint headEnd(TestStack stack) {
        return new io.kilowatch.sim.mqtt.MqttEndpoint(
                stack.mqttUrl(), io.kilowatch.model.BrokerAccounts.FLEET, stack.fleetPassword(), null, null);
    }

    static IngestConfig ingestConfig(TestStack stack, String clientId) throws java.io.IOException {
        return IngestConfig.load(null, stack.bridgeEnvironment(clientId));
    }

    static void awaitForwarded(IngestService ingest, long n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (ingest.metrics().readingsForwarded() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        assertThat(ingest.metrics().readingsForwarded()).isEqualTo(n);
    }

    /**
     * The simulator's {@code fleet} published through a bridge of {@code bridge}'s configuration on
     * the stack, as fast as it goes over one connection, every reading recorded to {@code record};
     * {@code fleetArgs} say which fleet. Returns how many were published, once the bridge has
     * forwarded them all.
     */
    static long publishThroughBridge(TestStack stack, IngestConfig bridge, Path record, String... fleetArgs)
            throws Exception {
        try (IngestService ingest = IngestService.start(bridge)) {
            List<String> args = new ArrayList<>(List.of(
                    "fleet",
                    "--speed",
                    "0",
                    "--connections",
                    "1",
                    "--mqtt-url",
                    stack.mqttUrl(),
                    "--record",
                    record.toString(),
                    "--progress",
                    "0s"));
            args.addAll(List.of(fleetArgs));
            assertThat(SimulatorMain.commandLine(new SimulatorMain()).execute(args.toArray(String[]::new)))
                    .as("fleet %s", args)
                    .isZero();
            long published;
            try (var lines = Files.lines(record)) {
                published = lines.count();
            }
            awaitForwarded(ingest, published);
            return published;
        }
    }

    /**
     * Runs the production load-curve pipeline over kw.readings from {@code from} to the current
     * end, with a registry that knows none of the meters; {@code env} adds settings
     * ({@code KW_*}). Returns what went to kw.late.
     */
    static List<LateReading> runLoadCurveJob(TestStack stack, Map<TopicPartition, Long> from, Map<String, String> env)
            throws Exception {
        Map<String, String> settings = new HashMap<>(env);
        settings.putAll(stack.jobEnvironment(stack.influxDb()));
        JobConfig config = JobConfig.load(null, settings);
        KafkaSource<Reading> source = readings(stack, from);
        StreamExecutionEnvironment flink =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.baseConfiguration());
        flink.setParallelism(2);
        LoadCurveJob job = new LoadCurveJob(
                source,
                Connectors.emptyRegistry(),
                EventTime.from(config),
                new LoadCurveStage(
                        LoadCurveStage.Params.from(config), Connectors.influx(config), new DiscardingSink<>()));
        LoadCurveStage.Curves curves = job.build(flink);
        List<LateReading> late = new ArrayList<>();
        try (CloseableIterator<LateReading> it = curves.late().collectAsync()) {
            flink.execute("e2e load curves");
            it.forEachRemaining(late::add);
        }
        return late;
    }

    /**
     * The production load-curve job with its tariff stage, and its alert stage when asked, over
     * kw.readings from {@code from} to its current end: the job as {@code main} wires it, on a
     * test's own readings.
     */
    static void runProductionJob(TestStack stack, Map<TopicPartition, Long> from, JobConfig config, boolean withAlerts)
            throws Exception {
        StreamExecutionEnvironment flink =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.baseConfiguration());
        flink.setParallelism(2);
        LoadCurveJob job = new LoadCurveJob(
                readings(stack, from),
                Connectors.registry(config),
                EventTime.from(config),
                new LoadCurveStage(
                        LoadCurveStage.Params.from(config), Connectors.influx(config), Connectors.late(config)));
        if (withAlerts) {
            job = job.withAlerts(new AlertStage(
                    AlertStage.Params.from(config), Connectors.influx(config), Connectors.alerts(config)));
        }
        job.withTariffs(
                        new TariffStage(TariffParams.from(config), Connectors.influx(config), Connectors.hints(config)),
                        Connectors.tariffs(config))
                .execute(flink);
    }

    /**
     * A bounded job's configuration on the test stack: its own consumer group and InfluxDB
     * database {@code db}, and {@code keysAndValues} (KW_… names) on top.
     */
    static JobConfig boundedJob(TestStack stack, String db, String... keysAndValues) throws java.io.IOException {
        Map<String, String> settings = stack.jobEnvironment(db, "KW_KAFKA_GROUP_ID", db, "KW_JOB_BOUNDED", "true");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return JobConfig.load(null, settings);
    }

    /** kw.readings from {@code from} to what is in it now: one test's own readings on the shared topic. */
    static KafkaSource<Reading> readings(TestStack stack, Map<TopicPartition, Long> from) {
        return KafkaSource.<Reading>builder()
                .setBootstrapServers(stack.kafkaBootstrap())
                .setTopics(Topics.READINGS)
                .setGroupId("e2e-" + System.nanoTime())
                .setStartingOffsets(OffsetsInitializer.offsets(from))
                .setBounded(OffsetsInitializer.latest())
                .setValueOnlyDeserializer(new ReadingDeserializationSchema())
                .build();
    }

    /**
     * A residential fleet's readings (seed 3, registers included) from {@code start}, published
     * to the stack's MQTT over four connections at {@code speed}× in the background; completes
     * with how many were published once the broker acknowledged them all.
     */
    static java.util.concurrent.CompletableFuture<Long> publishInBackground(
            TestStack stack, String meterPrefix, int meters, java.time.Instant start, int minutes, double speed)
            throws Exception {
        return publishInBackground(
                stack, meterPrefix, meters, start, minutes, speed, io.kilowatch.sim.fleet.Scenario.none());
    }

    /** As above, with the anomalies of {@code scenario} in the fleet's readings. */
    static java.util.concurrent.CompletableFuture<Long> publishInBackground(
            TestStack stack,
            String meterPrefix,
            int meters,
            java.time.Instant start,
            int minutes,
            double speed,
            io.kilowatch.sim.fleet.Scenario scenario)
            throws Exception {
        io.kilowatch.sim.fleet.Fleet fleet = new io.kilowatch.sim.fleet.Fleet(
                meterPrefix, meters, 3, java.time.Duration.ofMinutes(1), java.time.ZoneOffset.UTC);
        io.kilowatch.sim.fleet.FleetSimulation.Settings s = new io.kilowatch.sim.fleet.FleetSimulation.Settings(
                start,
                java.time.Duration.ofMinutes(minutes),
                java.time.Duration.ofMinutes(1),
                speed,
                java.time.Duration.ZERO,
                3);
        io.kilowatch.sim.mqtt.MqttPublisher mqtt =
                new io.kilowatch.sim.mqtt.MqttPublisher(headEnd(stack), meterPrefix + "-pub", 4);
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try (mqtt;
                    io.kilowatch.sim.fleet.FleetSimulation sim = new io.kilowatch.sim.fleet.FleetSimulation(
                            fleet, s, io.kilowatch.sim.fleet.Reporting.direct(), scenario, mqtt::publish, null)) {
                sim.run();
                if (!mqtt.awaitAllAcknowledged(java.time.Duration.ofSeconds(120)) || mqtt.failed() > 0) {
                    throw new IllegalStateException("broker did not accept every publish: failed=" + mqtt.failed());
                }
                return sim.published();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}

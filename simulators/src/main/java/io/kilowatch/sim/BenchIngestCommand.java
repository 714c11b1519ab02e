package io.kilowatch.sim;

import io.kilowatch.sim.loadtest.RawBroker;
import io.kilowatch.sim.mqtt.MqttPublisher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Measures, in one run and with the same payloads, the raw broker rate (QoS 1 publish →
 * subscribe through Mosquitto) and the ingest bridge's sustained MQTT → Kafka rate (publish →
 * forwarded, read from the bridge's /metrics), for single readings and for concentrator batches.
 * Run by scripts/bench-ingest.sh, which starts the stack and the bridge.
 */
@Command(
        name = "bench-ingest",
        mixinStandardHelpOptions = true,
        description = "Raw Mosquitto rate vs the ingest bridge's MQTT -> Kafka rate, single readings and batches.")
public final class BenchIngestCommand implements Callable<Integer> {
    @Mixin
    MqttOptions broker = new MqttOptions();

    @Option(
            names = "--bridge-metrics",
            defaultValue = "http://127.0.0.1:8091/metrics",
            description = "The bridge's metrics URL (default: ${DEFAULT-VALUE}).")
    String bridgeMetrics;

    @Option(
            names = "--readings",
            defaultValue = "200000",
            description = "Readings per measurement (default: ${DEFAULT-VALUE}).")
    int readings;

    @Option(
            names = "--batch-readings",
            defaultValue = "1000000",
            description =
                    "Readings per batch measurement: batches go fast, so they need more to be a sustained rate (default: ${DEFAULT-VALUE}).")
    int batchReadings;

    @Option(
            names = "--batch-size",
            defaultValue = "500",
            description = "Readings per concentrator batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--meters",
            defaultValue = "10000",
            description = "Distinct meters the readings come from (default: ${DEFAULT-VALUE}).")
    int meters;

    private final HttpClient http = HttpClient.newHttpClient();

    @Override
    public Integer call() throws Exception {
        String run = Long.toString(System.currentTimeMillis(), 36);
        System.out.printf(
                "bench-ingest: %d single readings, %d readings in batches of %d, %d publishing connections, broker %s%n",
                readings, batchReadings, batchSize, broker.connections(), broker.url());
        List<RawBroker.Message> singles = singles(run);
        List<RawBroker.Message> batches = batches(run);
        double rawSingle = raw("single readings", singles, run, 1);
        double bridgeSingle = bridge("single readings", singles, run, readings);
        double rawBatch = raw("batches of " + batchSize, batches, run, batchSize);
        double bridgeBatch = bridge("batches of " + batchSize, batches, run, batchReadings);
        System.out.println();
        System.out.println(
                "| traffic | raw Mosquitto pub→sub (readings/s) | bridge MQTT→Kafka (readings/s) | bridge / raw |");
        System.out.println("| --- | ---: | ---: | ---: |");
        System.out.printf(
                "| single readings | %,.0f | %,.0f | %.0f %% |%n",
                rawSingle, bridgeSingle, 100 * bridgeSingle / rawSingle);
        System.out.printf(
                "| batches of %d | %,.0f | %,.0f | %.0f %% |%n",
                batchSize, rawBatch, bridgeBatch, 100 * bridgeBatch / rawBatch);
        return 0;
    }

    private List<RawBroker.Message> singles(String run) {
        return RawBroker.messages("bench-" + run, readings, 1, meters, System.currentTimeMillis() - 3_600_000);
    }

    private List<RawBroker.Message> batches(String run) {
        return RawBroker.messages(
                "bench-" + run, batchReadings, batchSize, meters, System.currentTimeMillis() - 1_800_000);
    }

    /** Publishes on a topic tree the bridge does not subscribe to, and times until a subscriber has them all. */
    private double raw(String label, List<RawBroker.Message> messages, String run, int readingsPerMessage)
            throws Exception {
        double rate = RawBroker.rate(
                broker.endpoint(),
                run + Integer.toHexString(label.hashCode()),
                messages,
                broker.connections(),
                readingsPerMessage);
        System.out.printf("raw broker, %s: %d messages = %,.0f readings/s%n", label, messages.size(), rate);
        return rate;
    }

    /** Publishes to the bridge's topics and times until its forwarded counter has grown by every reading. */
    private double bridge(String label, List<RawBroker.Message> messages, String run, int readings) throws Exception {
        long before = forwarded();
        long start;
        long done;
        try (MqttPublisher pub = new MqttPublisher(
                broker.endpoint(), "bench-bridge-pub-" + run + label.hashCode(), broker.connections())) {
            start = System.nanoTime();
            for (RawBroker.Message m : messages) {
                pub.publish(m.topic(), m.payload());
            }
            long deadline = System.currentTimeMillis() + 600_000;
            while (forwarded() < before + readings && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
            done = System.nanoTime();
        }
        long got = forwarded() - before;
        if (got < readings) {
            throw new IllegalStateException("the bridge forwarded " + got + " of " + readings + "; see its log");
        }
        double seconds = (done - start) / 1e9;
        double rate = readings / seconds;
        System.out.printf(
                "bridge, %s: %d readings forwarded to Kafka in %.2f s = %,.0f readings/s%n",
                label, readings, seconds, rate);
        return rate;
    }

    private long forwarded() throws Exception {
        String body = http.send(
                        HttpRequest.newBuilder(URI.create(bridgeMetrics)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        for (String line : body.split("\n")) {
            if (line.startsWith("kilowatch_ingest_readings_forwarded_total ")) {
                return Long.parseLong(line.substring(line.indexOf(' ') + 1).trim());
            }
        }
        throw new IllegalStateException("no kilowatch_ingest_readings_forwarded_total at " + bridgeMetrics);
    }
}

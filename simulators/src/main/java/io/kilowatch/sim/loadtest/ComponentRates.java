package io.kilowatch.sim.loadtest;

import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.Topics;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What each part of the path does alone on the same machine, measured right after a load test
 * on its stack, so the end-to-end figure can be read against them: the broker (QoS 1
 * publish → subscribe), a Kafka producer with the bridge's settings, and InfluxDB's
 * {@code /write}. (The Flink pass-through over the run's kw.readings is the fourth; it needs the
 * Flink jar, so scripts/loadtest.sh runs it.) Each probe uses topics, keys and a database of its
 * own, so the run's reconciliation is untouched.
 */
public final class ComponentRates {
    public record Rate(String component, String what, long units, double perSecond) {}

    private static final int METERS = 10_000;

    private final io.kilowatch.sim.mqtt.MqttEndpoint broker;
    private final int connections;
    private final String kafka;
    private final String influxUrl;
    private final io.kilowatch.model.InfluxLogin login;
    private final ReadingCodec codec = new ReadingCodec();
    private final HttpClient http = HttpClient.newHttpClient();

    /** @param login an InfluxDB account that may create and drop the probe's scratch database */
    public ComponentRates(
            io.kilowatch.sim.mqtt.MqttEndpoint broker,
            int connections,
            String kafka,
            String influxUrl,
            io.kilowatch.model.InfluxLogin login) {
        this.login = login;
        this.broker = broker;
        this.connections = connections;
        this.kafka = kafka;
        this.influxUrl = influxUrl;
    }

    /** The broker with the load test's kind of traffic: one reading a message, or batches of {@code batchSize}. */
    public Rate mosquitto(int readings, int batchSize, String run) throws Exception {
        List<RawBroker.Message> messages =
                RawBroker.messages("probe-" + run, readings, batchSize, METERS, System.currentTimeMillis() - 3_600_000);
        double rate = RawBroker.rate(broker, "probe-" + run, messages, connections, Math.max(1, batchSize));
        return new Rate(
                "Mosquitto",
                batchSize <= 1 ? "QoS 1 pub→sub, one reading a message" : "QoS 1 pub→sub, batches of " + batchSize,
                readings,
                rate);
    }

    /** A producer configured as the bridge's (acks=all, idempotent, linger 5 ms, 256 KiB batches), one record a reading. */
    public Rate kafkaProducer(int readings, String run) throws Exception {
        String topic = "probe-" + run;
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        List<byte[]> values = new ArrayList<>(readings);
        List<byte[]> keys = new ArrayList<>(readings);
        long ts = System.currentTimeMillis() - 3_600_000;
        for (int i = 0; i < readings; i++) {
            Reading r = RawBroker.reading("probe-" + run, i, METERS, ts);
            keys.add(r.meterId().getBytes(StandardCharsets.UTF_8));
            values.add(codec.encode(r));
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka))) {
            // As many partitions as kw.readings has (the stack's broker creates no topic by itself).
            int partitions = admin.describeTopics(List.of(Topics.READINGS))
                    .allTopicNames()
                    .get()
                    .get(Topics.READINGS)
                    .partitions()
                    .size();
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all()
                    .get();
        }
        CountDownLatch acked = new CountDownLatch(readings);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.partitionsFor(topic); // metadata in before the clock starts
            start = System.nanoTime();
            for (int i = 0; i < readings; i++) {
                producer.send(new ProducerRecord<>(topic, keys.get(i), values.get(i)), (md, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                    acked.countDown();
                });
            }
            acked.await();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failure.get() != null) {
            throw new IllegalStateException(
                    "probe producer failed: " + failure.get().getMessage(), failure.get());
        }
        return new Rate("Kafka producer", "acks=all, one record a reading, acknowledged", readings, readings / seconds);
    }

    /** Line-protocol points shaped like the load curves' (five tags, seven fields) in batches of 5,000, to a database of its own. */
    public Rate influxWrite(int points, String run) throws Exception {
        String db = "probe_" + run.replaceAll("[^A-Za-z0-9_]", "_");
        post("/query", "q=" + URLEncoder.encode("CREATE DATABASE \"" + db + "\"", StandardCharsets.UTF_8));
        List<String> bodies = new ArrayList<>();
        long t0 = System.currentTimeMillis() / 60_000 * 60_000 - 86_400_000L;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < points; i++) {
            b.append(String.format(
                    Locale.ROOT,
                    "load,level=meter,id=probe-%d,interval=1m kw_avg=%.3f,kw_max=%.3f,kw_min=%.3f,kwh=%.6f,readings=%di,meters=1i,estimated=0i %d%n",
                    i % 10_000,
                    1 + i % 7 * 0.5,
                    2 + i % 7 * 0.5,
                    i % 7 * 0.5,
                    (1 + i % 7 * 0.5) / 60,
                    1 + i % 3,
                    (t0 + (i / 10_000) * 60_000L) * 1_000_000));
            if ((i + 1) % 5_000 == 0 || i == points - 1) {
                bodies.add(b.toString());
                b.setLength(0);
            }
        }
        long start = System.nanoTime();
        for (String body : bodies) {
            HttpResponse<String> r = http.send(
                    login.apply(HttpRequest.newBuilder(URI.create(influxUrl + "/write?precision=ns&db=" + db)))
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new IllegalStateException("InfluxDB /write answered " + r.statusCode() + ": " + r.body());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        post("/query", "q=" + URLEncoder.encode("DROP DATABASE \"" + db + "\"", StandardCharsets.UTF_8));
        return new Rate(
                "InfluxDB /write", "line protocol, 5,000 points a request, one writer", points, points / seconds);
    }

    private void post(String path, String form) throws Exception {
        http.send(
                login.apply(HttpRequest.newBuilder(URI.create(influxUrl + path)))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The Markdown section of the report. */
    public static String markdown(List<Rate> rates) {
        StringBuilder b = new StringBuilder("""

                ## Raw components, same stack, right after the run
                | component | what | units | per second |
                | --- | --- | ---: | ---: |
                """);
        for (Rate r : rates) {
            b.append(String.format(
                    Locale.ROOT, "| %s | %s | %,d | %,.0f |%n", r.component(), r.what(), r.units(), r.perSecond()));
        }
        return b.toString();
    }

    public static List<String> csv(List<Rate> rates) {
        List<String> out = new ArrayList<>();
        out.add("component,what,units,per_second");
        for (Rate r : rates) {
            out.add(r.component() + ",\"" + r.what() + "\"," + r.units() + "," + Math.round(r.perSecond()));
        }
        return out;
    }
}

package io.kilowatch.sim.loadtest;

import io.kilowatch.model.ConcentratorBatch;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.Topics;
import io.kilowatch.sim.mqtt.MqttPublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * The broker alone: QoS 1 publish over pooled connections to one subscriber, on a topic tree the
 * bridge does not subscribe to. What the bridge's and the load test's rates are measured against.
 */
public final class RawBroker {
    /** One MQTT message to send: its topic (prefixed with the probe's own tree) and payload. */
    public record Message(String topic, byte[] payload) {}

    private RawBroker() {}

    /**
     * Probe traffic: {@code readings} readings of {@code meters} meters ({@code <prefix>-<n>}, a
     * second apart per meter from {@code baseTs}), one a message on each meter's topic, or in
     * batches of {@code batchSize} on 100 concentrators' topics when {@code batchSize > 1}.
     */
    public static List<Message> messages(String prefix, int readings, int batchSize, int meters, long baseTs) {
        ReadingCodec codec = new ReadingCodec();
        List<Message> out = new ArrayList<>();
        if (batchSize <= 1) {
            for (int i = 0; i < readings; i++) {
                Reading r = reading(prefix, i, meters, baseTs);
                out.add(new Message(Topics.meterReadingTopic(r.meterId()), codec.encode(r)));
            }
            return out;
        }
        for (int b = 0; b * batchSize < readings; b++) {
            List<Reading> rs = new ArrayList<>(batchSize);
            for (int i = b * batchSize; i < Math.min(readings, (b + 1) * batchSize); i++) {
                rs.add(reading(prefix, i, meters, baseTs));
            }
            String c = prefix + "-c" + b % 100;
            out.add(new Message(Topics.concentratorBatchTopic(c), codec.encode(new ConcentratorBatch(c, rs))));
        }
        return out;
    }

    /** Reading {@code i} of the probe traffic. */
    public static Reading reading(String prefix, int i, int meters, long baseTs) {
        return new Reading(
                prefix + "-" + i % meters,
                baseTs + (i / meters) * 1_000L,
                1.0 + i % 97 / 10.0,
                1000.0 + i / 100.0,
                null,
                null,
                new double[] {230.1},
                new double[] {4.5},
                0.97);
    }

    /**
     * Publishes every message under {@code bench/<run>/} and times from the first publish until
     * the subscriber has them all.
     *
     * @return readings per second ({@code readingsPerMessage} per message)
     */
    public static double rate(
            io.kilowatch.sim.mqtt.MqttEndpoint broker,
            String run,
            List<Message> messages,
            int connections,
            int readingsPerMessage)
            throws Exception {
        String prefix = "bench/" + run + "/";
        AtomicLong received = new AtomicLong();
        AtomicLong lastNanos = new AtomicLong();
        MqttAsyncClient sub = new MqttAsyncClient(broker.url(), "raw-sub-" + run, new MemoryPersistence());
        sub.setCallback(new Counting(received, lastNanos));
        MqttConnectionOptions o = broker.connectionOptions();
        o.setCleanStart(true);
        sub.connect(o).waitForCompletion(10_000);
        sub.subscribe(prefix + "#", 1).waitForCompletion(10_000);
        long start;
        try (MqttPublisher pub = new MqttPublisher(broker, "raw-pub-" + run, connections)) {
            start = System.nanoTime();
            for (Message m : messages) {
                pub.publish(prefix + m.topic(), m.payload());
            }
            long deadline = System.currentTimeMillis() + 600_000;
            while (received.get() < messages.size() && System.currentTimeMillis() < deadline) {
                Thread.sleep(5);
            }
        } finally {
            sub.disconnect().waitForCompletion(5_000);
            sub.close();
        }
        if (received.get() < messages.size()) {
            throw new IllegalStateException("raw subscriber got " + received.get() + " of " + messages.size());
        }
        return (double) messages.size() * readingsPerMessage / ((lastNanos.get() - start) / 1e9);
    }

    private record Counting(AtomicLong received, AtomicLong lastNanos) implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            received.incrementAndGet();
            lastNanos.set(System.nanoTime());
        }

        @Override
        public void disconnected(MqttDisconnectResponse r) {}

        @Override
        public void mqttErrorOccurred(MqttException e) {}

        @Override
        public void deliveryComplete(IMqttToken t) {}

        @Override
        public void connectComplete(boolean reconnect, String uri) {}

        @Override
        public void authPacketArrived(int code, MqttProperties p) {}
    }
}

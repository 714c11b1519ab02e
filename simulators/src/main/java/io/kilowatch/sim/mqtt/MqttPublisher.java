package io.kilowatch.sim.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes at QoS 1 over a pool of MQTT connections, a topic always on the same connection (so
 * one meter's messages stay in order). Each connection has a bounded number of unacknowledged
 * publishes; {@link #publish} blocks when they are all taken, which paces the simulator to what
 * the broker accepts instead of failing with "too many publishes in progress".
 *
 * <p>Publishing as fast as possible over several connections, one connection can fall behind
 * the others by whole quarter hours of event time, and its readings reach the pipeline after the
 * watermark has passed them (kw.late). With an event-time spread, {@link #publish(String, byte[],
 * long)} waits until the broker has acknowledged every earlier publish whose event time is more
 * than the spread before the new one's: no connection is ever that far behind another.
 */
public final class MqttPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttPublisher.class);
    private static final int MAX_IN_FLIGHT_PER_CONNECTION = 500;

    private final List<MqttAsyncClient> clients = new ArrayList<>();
    private final List<Semaphore> permits = new ArrayList<>();
    private final LongAdder acked = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final long spreadMs;
    /** Event times of the publishes not yet acknowledged (or failed) → how many; guarded by itself. */
    private final TreeMap<Long, Integer> inFlight = new TreeMap<>();

    private final LongAdder spreadWaits = new LongAdder();

    public MqttPublisher(MqttEndpoint broker, String clientIdPrefix, int connections) throws MqttException {
        this(broker, clientIdPrefix, connections, Duration.ZERO);
    }

    /** @param eventTimeSpread how far behind in event time any connection may be; zero for no bound */
    public MqttPublisher(MqttEndpoint broker, String clientIdPrefix, int connections, Duration eventTimeSpread)
            throws MqttException {
        this.spreadMs = eventTimeSpread.toMillis();
        MqttConnectionOptions options = broker.connectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(true);
        options.setKeepAliveInterval(30);
        for (int i = 0; i < connections; i++) {
            MqttAsyncClient c = new MqttAsyncClient(broker.url(), clientIdPrefix + "-" + i, new MemoryPersistence());
            c.connect(options).waitForCompletion(30_000);
            clients.add(c);
            permits.add(new Semaphore(MAX_IN_FLIGHT_PER_CONNECTION));
        }
    }

    public void publish(String topic, byte[] payload) throws MqttException, InterruptedException {
        send(topic, payload, Long.MIN_VALUE);
    }

    /**
     * Publishes a message of event time {@code eventTimeMs} (a reading's ts, a simulator's clock);
     * with an event-time spread, first waits until no earlier publish more than the spread
     * before it is unacknowledged. Callers publish in event-time order.
     */
    public void publish(String topic, byte[] payload, long eventTimeMs) throws MqttException, InterruptedException {
        if (spreadMs <= 0) {
            send(topic, payload, Long.MIN_VALUE);
            return;
        }
        synchronized (inFlight) {
            boolean waited = false;
            while (!inFlight.isEmpty() && inFlight.firstKey() < eventTimeMs - spreadMs) {
                waited = true;
                inFlight.wait(1_000);
            }
            if (waited) {
                spreadWaits.increment();
            }
            inFlight.merge(eventTimeMs, 1, Integer::sum);
        }
        send(topic, payload, eventTimeMs);
    }

    private void send(String topic, byte[] payload, long eventTimeMs) throws MqttException, InterruptedException {
        int i = Math.floorMod(topic.hashCode(), clients.size());
        Semaphore p = permits.get(i);
        p.acquire();
        clients.get(i).publish(topic, payload, 1, false, null, new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
                acked.increment();
                done();
            }

            @Override
            public void onFailure(IMqttToken token, Throwable error) {
                failed.increment();
                done();
                LOG.warn("publish to {} failed: {}", topic, error.toString());
            }

            private void done() {
                p.release();
                if (eventTimeMs != Long.MIN_VALUE) {
                    synchronized (inFlight) {
                        inFlight.computeIfPresent(eventTimeMs, (t, n) -> n == 1 ? null : n - 1);
                        inFlight.notifyAll();
                    }
                }
            }
        });
    }

    /** How many publishes waited for an earlier one to be acknowledged (the event-time spread held them). */
    public long spreadWaits() {
        return spreadWaits.sum();
    }

    /** Publishes the broker has acknowledged (PUBACK). */
    public long acked() {
        return acked.sum();
    }

    public long failed() {
        return failed.sum();
    }

    /** Waits until every publish is acknowledged or failed, up to {@code timeout}. */
    public boolean awaitAllAcknowledged(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Semaphore p : permits) {
            long left = deadline - System.nanoTime();
            if (!p.tryAcquire(MAX_IN_FLIGHT_PER_CONNECTION, Math.max(0, left), TimeUnit.NANOSECONDS)) {
                return false;
            }
            p.release(MAX_IN_FLIGHT_PER_CONNECTION);
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        if (!awaitAllAcknowledged(Duration.ofSeconds(30))) {
            LOG.warn("closing with publishes still unacknowledged after 30 s");
        }
        for (MqttAsyncClient c : clients) {
            try {
                // Everything is acknowledged by now, so there is nothing to quiesce for.
                c.disconnect(0).waitForCompletion(5_000);
                c.close();
            } catch (MqttException e) {
                LOG.warn("disconnect failed", e);
            }
        }
    }
}

package io.kilowatch.sim.mqtt;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes at QoS 1 over a pool of MQTT connections, a topic always on the same connection (so
 * one meter's messages stay in order). Each connection has a bounded number of unacknowledged
 * publishes; {@link #publish} blocks when they are all taken, which paces the simulator to what
 * the broker accepts instead of failing with "too many publishes in progress".
 *
 * <p>Like a device, it does not give up on a reading when the broker goes away: a publish the
 * broker has not acknowledged is sent again after the connection is back (Paho's own session
 * resumption is not relied on: Mosquitto 2.0.11 disconnects a resumed Paho session with a
 * protocol error), and one made while disconnected is retried until it goes out. Reconnects are
 * its own, with a backoff of at most {@link #MAX_RECONNECT_BACKOFF_MS}: Paho's automatic
 * reconnect doubles its wait up to two minutes, and once (CI, a Mosquitto restart that took 16 s)
 * none of four connections came back within two minutes while the bridge, which reconnects this
 * way, was back in 16 s. At least once:
 * a publish whose PUBACK was lost in the outage reaches the broker twice, which ingest and the
 * jobs absorb by (meterId, ts). Only the broker's refusal (a reason code, e.g. not authorised)
 * counts as failed.
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

    private static final long RETRY_MS = 500;
    private static final long FIRST_RECONNECT_BACKOFF_MS = 250;
    static final long MAX_RECONNECT_BACKOFF_MS = 5_000;

    private final List<MqttAsyncClient> clients = new ArrayList<>();
    /** Per connection: the publishes not yet acknowledged, by a sequence number of our own. */
    private final List<Map<Long, Pending>> unacked = new ArrayList<>();
    /** Per connection: how many times it has (re)connected; a publish sent in an earlier epoch is resent. */
    private final List<AtomicLong> epochs = new ArrayList<>();

    private final AtomicLong sequence = new AtomicLong();
    private final LongAdder resent = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final MqttConnectionOptions options;
    /** Reconnects, one connection at a time; never the retry thread, whose resends must not wait behind a connect. */
    private final ScheduledExecutorService connector = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mqtt-publisher-connect");
        t.setDaemon(true);
        return t;
    });

    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mqtt-publisher-retry");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closing;
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
        options = broker.connectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(false); // reconnects are ours: see the class comment
        options.setKeepAliveInterval(30);
        for (int i = 0; i < connections; i++) {
            MqttAsyncClient c = new MqttAsyncClient(broker.url(), clientIdPrefix + "-" + i, new MemoryPersistence());
            int connection = i;
            clients.add(c);
            unacked.add(new ConcurrentHashMap<>());
            epochs.add(new AtomicLong());
            permits.add(new Semaphore(MAX_IN_FLIGHT_PER_CONNECTION));
            c.setCallback(new Disconnects(() -> lost(connection)));
            c.connect(options).waitForCompletion(30_000);
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

    /** A publish not yet acknowledged: what to send again, and in which connection epoch it last went out. */
    private record Pending(
            long seq, int connection, String topic, byte[] payload, long eventTimeMs, AtomicLong sentIn) {}

    private void send(String topic, byte[] payload, long eventTimeMs) throws InterruptedException {
        int i = Math.floorMod(topic.hashCode(), clients.size());
        permits.get(i).acquire();
        Pending pending = new Pending(sequence.incrementAndGet(), i, topic, payload, eventTimeMs, new AtomicLong());
        unacked.get(i).put(pending.seq(), pending);
        attempt(pending);
    }

    private void attempt(Pending pending) {
        if (closing || !unacked.get(pending.connection()).containsKey(pending.seq())) {
            return;
        }
        long epoch = epochs.get(pending.connection()).get();
        pending.sentIn().set(epoch);
        try {
            clients.get(pending.connection())
                    .publish(pending.topic(), pending.payload(), 1, false, null, new MqttActionListener() {
                        @Override
                        public void onSuccess(IMqttToken token) {
                            complete(pending, acked);
                        }

                        @Override
                        public void onFailure(IMqttToken token, Throwable error) {
                            failedOrRetried(pending, error, epoch);
                        }
                    });
        } catch (MqttException e) {
            failedOrRetried(pending, e, epoch);
        }
    }

    /** The broker's refusal is final; anything on the client's side (not connected, connection lost) is retried. */
    private void failedOrRetried(Pending pending, Throwable error, long attemptEpoch) {
        int code = error instanceof MqttException e ? e.getReasonCode() : -1;
        if (code >= 0 && code < 0x100) {
            if (complete(pending, failed)) {
                LOG.warn(
                        "broker refused the publish to {}: reason code 0x{}",
                        pending.topic(),
                        Integer.toHexString(code));
            }
            return;
        }
        // A reconnect since this attempt has sent it again already.
        if (!closing && pending.sentIn().get() == attemptEpoch) {
            retries.schedule(() -> attempt(pending), RETRY_MS, TimeUnit.MILLISECONDS);
        }
    }

    private void lost(int connection) {
        if (closing) {
            return;
        }
        try {
            connector.execute(() -> reconnect(connection));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed between the check and here: nothing to reconnect for
        }
    }

    /**
     * After a lost connection: connects again, waiting 250 ms, then twice as long after each failed
     * attempt up to {@link #MAX_RECONNECT_BACKOFF_MS}, until it is back or the publisher closes;
     * then resends what the lost connection left unacknowledged. A connect that timed out may still
     * be under way in Paho: the next attempt is refused as in progress, and the one after finds the
     * connection up.
     */
    private void reconnect(int connection) {
        MqttAsyncClient c = clients.get(connection);
        long backoff = FIRST_RECONNECT_BACKOFF_MS;
        long attempts = 0;
        while (!closing) {
            try {
                if (!c.isConnected()) {
                    c.connect(options).waitForCompletion(10_000);
                }
                reconnects.increment();
                LOG.info("connection {} to the broker is back after {} failed attempt(s)", c.getClientId(), attempts);
                resendAfterReconnect(connection);
                return;
            } catch (MqttException e) {
                attempts++;
                if (attempts == 1 || attempts % 10 == 0) {
                    LOG.warn(
                            "connection {}: connecting to the broker failed {} time(s) ({}); retrying every {} ms at most",
                            c.getClientId(),
                            attempts,
                            e.getMessage(),
                            MAX_RECONNECT_BACKOFF_MS);
                }
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = Math.min(backoff * 2, MAX_RECONNECT_BACKOFF_MS);
        }
    }

    /** After a reconnect: everything sent on the lost connection and not acknowledged goes out again. */
    private void resendAfterReconnect(int connection) {
        long epoch = epochs.get(connection).incrementAndGet();
        for (Pending pending : unacked.get(connection).values()) {
            if (pending.sentIn().get() < epoch) {
                resent.increment();
                retries.execute(() -> attempt(pending));
            }
        }
    }

    /**
     * Counts the first completion of a publish in {@code outcome} (a resent one may be acknowledged
     * twice) before its permit is released: whoever waits for the permits sees the count.
     */
    private boolean complete(Pending pending, LongAdder outcome) {
        if (unacked.get(pending.connection()).remove(pending.seq()) == null) {
            return false;
        }
        outcome.increment();
        permits.get(pending.connection()).release();
        if (pending.eventTimeMs() != Long.MIN_VALUE) {
            synchronized (inFlight) {
                inFlight.computeIfPresent(pending.eventTimeMs(), (t, n) -> n == 1 ? null : n - 1);
                inFlight.notifyAll();
            }
        }
        return true;
    }

    /** Publishes sent again after a reconnect (each may reach the broker twice). */
    public long resent() {
        return resent.sum();
    }

    /** Connections that were lost and are back. */
    public long reconnects() {
        return reconnects.sum();
    }

    /** Calls {@code onLost} when a connection is lost; nothing else. */
    private record Disconnects(Runnable onLost) implements MqttCallback {
        @Override
        public void connectComplete(boolean reconnect, String serverURI) {}

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            LOG.warn("disconnected from the broker ({}); reconnecting", response);
            onLost.run();
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {}

        @Override
        public void messageArrived(String topic, MqttMessage message) {}

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
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
        closing = true;
        retries.shutdownNow();
        connector.shutdownNow();
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

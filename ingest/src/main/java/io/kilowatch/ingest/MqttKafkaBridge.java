package io.kilowatch.ingest;

import io.kilowatch.model.intake.ReadingRouter;
import io.kilowatch.model.intake.Routed;
import java.time.Duration;
import java.util.Arrays;
import org.eclipse.paho.mqttv5.client.IMqttToken;
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
 * The MQTT side of ingest: a persistent MQTT 5 session (clean start off, session expiry set) at
 * QoS 1 with manual acknowledgements. A message is acknowledged to the broker only after Kafka
 * has acknowledged every record made from it; until then the broker keeps it and redelivers it
 * after a crash. At most {@code mqtt.receive-maximum} messages are in flight: the value is
 * announced to the broker, and enforced here too, because Mosquitto was seen sending more
 * (2,249 against 2,000 while Kafka was away). A message over the limit waits for a permit on
 * the MQTT callback thread, which is the back-pressure when Kafka is slow: the rest waits in
 * the broker's session. It waits at most {@link #PERMIT_WAIT}, and a send at most
 * {@code max.block.ms} (IngestService): Paho reads PINGRESPs and runs its reconnects behind
 * that thread, and a callback held while Kafka was away for a minute timed the connection out
 * and left Paho's next connect hanging until it sent two CONNECTs on one socket, for which
 * Mosquitto 2.0 drops the connection and discards the session with every message it held for the
 * bridge (18,317 of 24,000 lost in IngestResilienceIT, 8,554 of 29,960 in ChaosIT). A message
 * that finds no permit in time is deferred and fetched again by a resync.
 *
 * <p>If Kafka ever fails a record (after the producer's own retries, {@code kafka.delivery-timeout}),
 * the message stays unacknowledged, and MQTT 5 redelivers such messages only when a session is
 * resumed. So the bridge resyncs: it stops forwarding (new arrivals are left for redelivery),
 * lets every in-flight send settle, waits until Kafka answers, then reconnects with the same
 * session.
 *
 * <p>Every connect after the first comes from one thread ({@code mqtt-connect}), a resync's and a
 * lost connection's alike, so two never overlap; Paho's automatic reconnect is off.
 */
public final class MqttKafkaBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MqttKafkaBridge.class);
    private static final int QOS = 1;
    /** Far below the 30 s keep-alive: how long the MQTT callback thread may wait for Kafka. */
    static final Duration PERMIT_WAIT = Duration.ofSeconds(5);

    private final IngestConfig config;
    private final ReadingRouter router;
    private final KafkaForwarder forwarder;
    private final IngestMetrics metrics;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    /** The one thread that connects after start: resyncs and reconnects queue here, never overlap. */
    private final java.util.concurrent.ExecutorService connector =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "mqtt-connect"));

    private final java.util.concurrent.Semaphore inFlightPermits;
    private volatile boolean connected;
    /** Guards {@link #resyncScheduled} with {@link #resyncPending}: they change together. */
    private final Object resyncLock = new Object();
    /** A resync is queued or running and has not yet ended its old connection. */
    private boolean resyncScheduled;

    private volatile boolean resyncPending;
    private volatile boolean closed;

    public MqttKafkaBridge(IngestConfig config, ReadingRouter router, KafkaForwarder forwarder, IngestMetrics metrics)
            throws MqttException {
        this.config = config;
        this.router = router;
        this.forwarder = forwarder;
        this.metrics = metrics;
        // In-memory persistence: inbound QoS 1 state lives in the broker's persistent session.
        this.options = config.mqttOptions();
        this.inFlightPermits = new java.util.concurrent.Semaphore(config.mqttReceiveMaximum());
        this.client = new MqttAsyncClient(config.mqttUrl(), config.mqttClientId(), new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(new Callback());
    }

    public void start(Duration timeout) throws MqttException {
        options.setCleanStart(false);
        options.setSessionExpiryInterval(config.mqttSessionExpiry().toSeconds());
        options.setAutomaticReconnect(false); // reconnects are ours: see the class comment
        options.setReceiveMaximum(config.mqttReceiveMaximum());
        options.setKeepAliveInterval(30);
        client.connect(options).waitForCompletion(timeout.toMillis());
        // Subscribe before returning, so a caller that starts publishing next loses nothing;
        // every later connect subscribes again (connectWithBackoff).
        subscribe().waitForCompletion(timeout.toMillis());
        LOG.info("subscribed to {} at QoS {}", Arrays.toString(config.subscriptions()), QOS);
    }

    public boolean isConnected() {
        return connected && client.isConnected();
    }

    /** Connected, not resyncing, and Kafka acknowledging within {@code unhealthyAfter}. */
    public boolean isHealthy(Duration unhealthyAfter) {
        return isConnected() && !resyncPending && metrics.stalledMillis() < unhealthyAfter.toMillis();
    }

    private IMqttToken subscribe() throws MqttException {
        String[] filters = config.subscriptions();
        int[] qos = new int[filters.length];
        Arrays.fill(qos, QOS);
        return client.subscribe(filters, qos);
    }

    private void onMessage(String topic, MqttMessage message) {
        metrics.messagesReceived.increment();
        if (resyncPending) {
            metrics.deferred.increment(); // not forwarded, not acknowledged: redelivered after the resync
            return;
        }
        try {
            if (!inFlightPermits.tryAcquire(PERMIT_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                // Kafka has taken nothing for that long: leave this one (and what follows) to the
                // broker and fetch it again once Kafka is back, rather than hold Paho's thread.
                metrics.deferred.increment();
                requestResync();
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            metrics.deferred.increment();
            return;
        }
        if (metrics.inFlight.incrementAndGet() == 1) {
            metrics.lastAckNanos.set(
                    System.nanoTime()); // the stall clock starts now, not at the last ack an idle hour ago
        }
        long started = System.nanoTime();
        Routed routed = router.route(topic, message.getPayload());
        forwarder.forward(topic, routed).whenComplete((ok, error) -> {
            if (error != null) {
                // Not acknowledged: the broker keeps the message and redelivers it on the next session.
                metrics.kafkaSendFailures.increment();
                LOG.error(
                        "Kafka refused records from MQTT message {} on {}; left unacknowledged, resyncing the session for redelivery",
                        message.getId(),
                        topic,
                        error);
                requestResync();
                settled();
                return;
            }
            acknowledge(message);
            metrics.sendLatencyMicrosTotal.add((System.nanoTime() - started) / 1_000);
            metrics.sendLatencyCount.increment();
            metrics.messagesAcked.increment();
            metrics.lastAckNanos.set(System.nanoTime());
            settled();
        });
    }

    /** A message is no longer in flight, acknowledged or left for redelivery: its permit frees a place. */
    private void settled() {
        metrics.inFlight.decrementAndGet();
        inFlightPermits.release();
    }

    /**
     * Schedules one resync however many sends fail at once. A request after a running resync
     * ended its old connection (a message of the new one deferred or refused) schedules another:
     * that message is redelivered only by a session resumed after it.
     */
    private void requestResync() {
        synchronized (resyncLock) {
            if (closed) {
                return;
            }
            resyncPending = true;
            if (resyncScheduled) {
                return;
            }
            resyncScheduled = true;
        }
        connector.execute(this::resync);
    }

    /**
     * Order matters: deferring must stop after the old connection is gone and before the new
     * one exists. The broker redelivers the moment the session resumes; a redelivery deferred
     * again would stay unacknowledged on the new session, fill the broker's window and stall the
     * bridge for good (the Kafka-away test caught exactly that: 1,001 of 9,000 arrived).
     */
    private void resync() {
        boolean oldConnectionEnded = false;
        try {
            while (metrics.inFlight() > 0 && !closed) {
                Thread.sleep(50); // every in-flight send settles: by ack, or by failure after the delivery timeout
            }
            // Redelivered to a bridge whose Kafka is still away, the messages would only fail again.
            while (!closed && !forwarder.reachable()) {
                Thread.sleep(1_000);
            }
            if (client.isConnected()) {
                try {
                    client.disconnect(0).waitForCompletion(10_000);
                } catch (MqttException e) {
                    // the session must end here, or the broker would not redeliver: drop the socket
                    LOG.warn("disconnect before the resync failed ({}); closing the connection", e.getMessage());
                    try {
                        client.disconnectForcibly(0, 5_000, false);
                    } catch (MqttException again) {
                        LOG.warn("closing the MQTT connection failed ({})", again.getMessage());
                    }
                }
            }
            synchronized (resyncLock) {
                // nothing can arrive now; what arrives after the connect is forwarded, and a
                // request from here on is for the new connection
                resyncScheduled = false;
                resyncPending = false;
                oldConnectionEnded = true;
            }
            if (connectWithBackoff()) {
                metrics.resyncs.increment();
                LOG.info("session resumed; the broker redelivers every unacknowledged message");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!oldConnectionEnded) {
                synchronized (resyncLock) {
                    // closed or interrupted before the old connection ended: never leave deferring on
                    resyncScheduled = false;
                    resyncPending = false;
                }
            }
        }
    }

    /** After a lost connection; a resync already queued connects instead. */
    private void reconnect() {
        boolean resyncQueued;
        synchronized (resyncLock) {
            resyncQueued = resyncScheduled;
        }
        if (resyncQueued || client.isConnected()) {
            return; // a queued resync connects, or one just did
        }
        try {
            if (connectWithBackoff()) {
                LOG.info("reconnected to MQTT broker {}; session resumed", config.mqttUrl());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Connects (resuming the session) and subscribes, retrying with backoff up to 30 s; only ever
     * on the connector thread. A connect that timed out may still be under way in Paho: the next
     * attempt is then refused as "already in progress", never sent a second time.
     *
     * @return true once connected, false if the bridge closed first
     */
    private boolean connectWithBackoff() throws InterruptedException {
        long backoff = 500;
        while (!closed) {
            try {
                if (!client.isConnected()) {
                    client.connect(options).waitForCompletion(30_000);
                }
                subscribe().waitForCompletion(30_000);
                return true;
            } catch (MqttException e) {
                metrics.mqttConnectFailures.increment();
                LOG.warn(
                        "connecting to MQTT broker {} failed ({}); retrying in {} ms",
                        config.mqttUrl(),
                        e.getMessage(),
                        backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 30_000);
            }
        }
        return false;
    }

    private void acknowledge(MqttMessage message) {
        if (message.getQos() == 0) {
            return; // nothing to acknowledge for QoS 0 publishers
        }
        try {
            client.messageArrivedComplete(message.getId(), message.getQos());
        } catch (MqttException e) {
            LOG.warn(
                    "could not acknowledge MQTT message {} (connection lost?); the broker will redeliver it",
                    message.getId(),
                    e);
        }
    }

    /** Waits until every received message is acknowledged or {@code timeout} passes, then disconnects. */
    @Override
    public void close() {
        closed = true;
        connector.shutdownNow();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (metrics.inFlight() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (metrics.inFlight() > 0) {
            LOG.warn(
                    "closing with {} MQTT messages unacknowledged; the broker will redeliver them", metrics.inFlight());
        }
        try {
            if (client.isConnected()) {
                client.disconnect(5_000).waitForCompletion(5_000);
            }
            client.close(true);
        } catch (MqttException e) {
            LOG.warn("MQTT disconnect failed", e);
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            connected = true;
            LOG.info("connected to MQTT broker {}", serverURI);
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            connected = false;
            if (closed) {
                return;
            }
            LOG.warn("disconnected from MQTT broker: {}; reconnecting", response);
            connector.execute(MqttKafkaBridge.this::reconnect);
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            onMessage(topic, message);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.error("MQTT error", exception);
        }

        @Override
        public void deliveryComplete(IMqttToken token) {}

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    }
}

package io.kilowatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kilowatch.model.BrokerAccounts;
import io.kilowatch.model.RegistryCodec;
import io.kilowatch.model.RegistryEntry;
import io.kilowatch.model.Topics;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;

/**
 * Access control at the real broker of the stack (scripts/stack.sh: logins required, ACL file):
 * the accounts ingest derives from the registry, used by real clients. Whatever the broker lets
 * through is still checked by ingest; here the broker itself refuses.
 */
class BrokerAccessIT {
    private static final TestStack STACK = TestStack.fromEnvironment();
    /** MQTT 5 reason code "Not authorized" (PUBACK, SUBACK, CONNACK). */
    private static final int NOT_AUTHORIZED = 0x87;

    @Test
    void eachDeviceAndCustomerStaysInItsOwnLane() throws Exception {
        String p = TestStack.uniquePrefix("acl");
        String m1 = p + "-m1", m2 = p + "-m2", c1 = p + "-c1", c2 = p + "-c2", fzc = p + "-fzc1";
        // A registry of the test's own: the shared one must not start naming concentrators (every
        // other test's batches would be NOT_SERVED), and the broker's accounts are this registry's.
        TestKafka admin = new TestKafka(STACK);
        String registry = admin.createTopic("test." + p + ".registry", 1, true);
        try (KafkaProducer<byte[], byte[]> kafka = admin.producer()) {
            register(kafka, registry, entry(m1, c1).withConcentrator(fzc));
            register(kafka, registry, entry(m2, c2));
            List<String> env = new ArrayList<>(List.of(STACK.brokerAccess()));
            env.addAll(List.of(
                    "KW_KAFKA_TOPIC_REGISTRY",
                    registry,
                    "KW_OUTBOUND_GROUP_ID",
                    p + "-outbound",
                    "KW_OUTBOUND_START_FROM",
                    "latest"));
            IngestConfig config =
                    IngestConfig.load(null, STACK.bridgeEnvironment(p + "-bridge", env.toArray(String[]::new)));
            try (IngestService ingest = IngestService.start(config)) {
                MqttAsyncClient meter1 = connectWhenAdmitted(BrokerAccounts.meter(m1), p + "-meter1");
                long received = ingest.metrics().messagesReceived();

                // Its own topic: through. Another meter's: refused by the broker, never reaching ingest.
                assertThat(publish(meter1, Topics.meterReadingTopic(m2), reading(m2)))
                        .as("meter 1 publishing as meter 2")
                        .isEqualTo(NOT_AUTHORIZED);
                assertThat(publish(meter1, Topics.meterReadingTopic(m1), reading(m1)))
                        .isLessThan(0x80);
                awaitReceived(ingest, received + 1);
                Thread.sleep(300);
                assertThat(ingest.metrics().messagesReceived())
                        .as("only meter 1's own reading reached ingest")
                        .isEqualTo(received + 1);
                disconnect(meter1);

                // A concentrator: its own batch topic only.
                MqttAsyncClient concentrator = connectWhenAdmitted(BrokerAccounts.concentrator(fzc), p + "-fzc");
                assertThat(publish(concentrator, Topics.concentratorBatchTopic(p + "-fzc2"), "{}"))
                        .isEqualTo(NOT_AUTHORIZED);
                assertThat(publish(concentrator, Topics.meterReadingTopic(m1), reading(m1)))
                        .as("a concentrator speaking on its meter's own topic")
                        .isEqualTo(NOT_AUTHORIZED);
                disconnect(concentrator);

                // A customer reads its own alerts, and cannot subscribe to another's.
                connectWhenAdmitted(BrokerAccounts.customer(c1), p + "-cust1-probe")
                        .disconnect()
                        .waitForCompletion(5_000);
                MqttClient customer1 = new MqttClient(STACK.mqttUrl(), p + "-cust1", new MemoryPersistence());
                customer1.connect(
                        login(BrokerAccounts.customer(c1), STACK.devicePassword(BrokerAccounts.customer(c1))));
                Map<String, String> got = new ConcurrentHashMap<>();
                IMqttMessageListener collect = (t, m) -> got.put(t, new String(m.getPayload(), StandardCharsets.UTF_8));
                // Mosquitto 2.0 grants the subscription and then withholds every message the ACL does not
                // let this account read, so what counts is what arrives (below).
                subscribe(customer1, Topics.customerAlertsTopic(c2), collect);
                subscribe(customer1, "customers/+/hints", collect);
                assertThat(subscribe(customer1, "customers/" + c1 + "/#", collect))
                        .isEqualTo(1);
                String forC2 = "{\"type\":\"LOW_POWER_FACTOR\",\"meterId\":\"" + m2 + "\",\"state\":\"OPEN\"}";
                String forC1 = "{\"type\":\"LOW_POWER_FACTOR\",\"meterId\":\"" + m1 + "\",\"state\":\"OPEN\"}";
                kafka.send(record(Topics.ALERTS, m2, forC2));
                kafka.send(record(Topics.HINTS, c2, "{\"kind\":\"SHIFT_LOAD\",\"saving\":\"9.10\"}"));
                kafka.send(record(Topics.ALERTS, m1, forC1)).get();
                long deadline = System.currentTimeMillis() + 20_000;
                while (got.isEmpty() && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                Thread.sleep(500); // c2's alert and hint went out first: had they reached c1, they would be here by now
                assertThat(ingest.metrics().outboundPublished())
                        .as("customer 2's alert and hint were published too")
                        .isGreaterThanOrEqualTo(3);
                assertThat(got).containsOnly(Map.entry(Topics.customerAlertsTopic(c1), forC1));
                customer1.disconnect();
                customer1.close();

                // No login, a wrong password, a customer not (yet) in the registry: refused at connect.
                assertThat(connectRefusal(null, null, p + "-anon")).isEqualTo(NOT_AUTHORIZED);
                assertThat(connectRefusal(BrokerAccounts.meter(m1), "not-the-password", p + "-wrong"))
                        .isNotZero();
                String m3 = p + "-m3";
                assertThat(connectRefusal(
                                BrokerAccounts.meter(m3), STACK.devicePassword(BrokerAccounts.meter(m3)), p + "-early"))
                        .as("a meter the registry does not name yet")
                        .isNotZero();

                // A meter added to the registry while everything runs may connect soon after, no restart.
                long writes = ingest.metrics().brokerAccessWrites();
                register(kafka, registry, entry(m3, c1));
                MqttAsyncClient meter3 = connectWhenAdmitted(BrokerAccounts.meter(m3), p + "-meter3");
                assertThat(ingest.metrics().brokerAccessWrites()).isGreaterThan(writes);
                assertThat(publish(meter3, Topics.meterReadingTopic(m3), reading(m3)))
                        .isLessThan(0x80);
                disconnect(meter3);
            }
        }
    }

    @Test
    void aHeadEndMayPublishForAnyMeterButIngestStillChecksTheBody() throws Exception {
        // The broker lets the fleet account speak for every meter; the topic/body check is ingest's own.
        String p = TestStack.uniquePrefix("acl-headend");
        IngestConfig config = IngestConfig.load(null, STACK.bridgeEnvironment(p + "-bridge"));
        try (IngestService ingest = IngestService.start(config)) {
            MqttAsyncClient headEnd = connect(BrokerAccounts.FLEET, STACK.fleetPassword(), p + "-headend");
            assertThat(publish(headEnd, Topics.meterReadingTopic(p + "-m1"), reading(p + "-m2")))
                    .isLessThan(0x80);
            long deadline = System.currentTimeMillis() + 10_000;
            while (ingest.metrics().deadLettered(io.kilowatch.model.RejectReason.METER_MISMATCH) == 0
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            assertThat(ingest.metrics().deadLettered(io.kilowatch.model.RejectReason.METER_MISMATCH))
                    .isEqualTo(1);
            disconnect(headEnd);
        }
    }

    private static RegistryEntry entry(String meter, String customer) {
        return new RegistryEntry(meter, customer, "residential", "T1", "F1", "R1", "zj-res-tier", 8, 400, 230, 1);
    }

    private static void register(KafkaProducer<byte[], byte[]> kafka, String registry, RegistryEntry e)
            throws Exception {
        kafka.send(new ProducerRecord<>(
                        registry, e.meterId().getBytes(StandardCharsets.UTF_8), new RegistryCodec().encode(e)))
                .get();
    }

    private static String reading(String meter) {
        return new String(
                new io.kilowatch.model.ReadingCodec()
                        .encode(io.kilowatch.model.Reading.of(meter, System.currentTimeMillis(), 1)),
                StandardCharsets.UTF_8);
    }

    /** The broker's reason code for a QoS 1 publish (0x00/0x10 accepted, 0x87 not authorised). */
    private static int publish(MqttAsyncClient c, String topic, String body) throws MqttException {
        IMqttToken t = c.publish(topic, body.getBytes(StandardCharsets.UTF_8), 1, false);
        try {
            t.waitForCompletion(10_000);
        } catch (MqttException e) {
            return e.getReasonCode();
        }
        return t.getReasonCodes()[0];
    }

    /** Connects with the account's derived password, retrying while the broker has not reloaded it yet. */
    private static MqttAsyncClient connectWhenAdmitted(String account, String clientId) throws Exception {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            try {
                return connect(account, STACK.devicePassword(account), clientId);
            } catch (MqttException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError(account + " never admitted: " + e, e);
                }
                Thread.sleep(200);
            }
        }
    }

    private static MqttAsyncClient connect(String user, String password, String clientId) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(STACK.mqttUrl(), clientId, new MemoryPersistence());
        try {
            c.connect(login(user, password)).waitForCompletion(10_000);
        } catch (MqttException e) {
            c.close();
            throw e;
        }
        return c;
    }

    /** The reason code a refused connection gives; 0 if the broker let it in. */
    private static int connectRefusal(String user, String password, String clientId) throws MqttException {
        MqttClient probe = new MqttClient(STACK.mqttUrl(), clientId, new MemoryPersistence());
        MqttException refused = catchThrowableOfType(() -> probe.connect(login(user, password)), MqttException.class);
        if (refused == null) {
            probe.disconnect();
        }
        probe.close();
        return refused == null ? 0 : refused.getReasonCode();
    }

    /** The broker's reason code for a subscription at QoS 1: 1 granted, 0x87 not authorised. */
    private static int subscribe(MqttClient c, String filter, IMqttMessageListener listener) {
        try {
            IMqttToken t = c.subscribe(
                    new MqttSubscription[] {new MqttSubscription(filter, 1)}, new IMqttMessageListener[] {listener});
            return t.getReasonCodes()[0];
        } catch (MqttException e) {
            return e.getReasonCode();
        }
    }

    private static MqttConnectionOptions login(String user, String password) {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        return o;
    }

    private static void awaitReceived(IngestService ingest, long n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 10_000;
        while (ingest.metrics().messagesReceived() < n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
    }

    private static void disconnect(MqttAsyncClient c) throws MqttException {
        c.disconnect().waitForCompletion(5_000);
        c.close();
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(
                topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }
}

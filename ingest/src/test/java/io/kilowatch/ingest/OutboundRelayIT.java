package io.kilowatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.RegistryCodec;
import io.kilowatch.model.RegistryEntry;
import io.kilowatch.model.Topics;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;

/** The way back to customers, against the real Kafka and Mosquitto, with a real subscriber. */
class OutboundRelayIT {
    private static final TestStack STACK = TestStack.fromEnvironment();

    @Test
    void alertsAndHintsReachTheRightCustomerTopics() throws Exception {
        String p = TestStack.uniquePrefix("out");
        try (KafkaProducer<byte[], byte[]> kafka = new TestKafka(STACK).producer()) {
            // The registry says whose meter p-m1 is; the relay must have read it before routing.
            RegistryEntry entry = new RegistryEntry(
                    p + "-m1", p + "-c1", "industrial", "T1", "F1", "north", "TOU", 630, 1000, 230, 3);
            kafka.send(record(
                            Topics.REGISTRY,
                            p + "-m1",
                            new String(new RegistryCodec().encode(entry), StandardCharsets.UTF_8)))
                    .get();

            Map<String, String> received = new ConcurrentHashMap<>();
            // Operations watches every customer's topics; BrokerAccessIT shows a customer sees only its own.
            MqttClient customer = new MqttClient(STACK.mqttUrl(), p + "-customer", new MemoryPersistence());
            MqttConnectionOptions login = new MqttConnectionOptions();
            login.setUserName(io.kilowatch.model.BrokerAccounts.OPS);
            login.setPassword(STACK.opsPassword().getBytes(StandardCharsets.UTF_8));
            customer.connect(login);
            org.eclipse.paho.mqttv5.client.IMqttMessageListener collect = (t, m) -> {
                if (t.contains(p)) {
                    received.put(t, new String(m.getPayload(), StandardCharsets.UTF_8));
                }
            };
            customer.subscribe(
                    new MqttSubscription[] {
                        new MqttSubscription("customers/+/alerts", 1), new MqttSubscription("customers/+/hints", 1)
                    },
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {collect, collect});

            IngestConfig config = IngestConfig.load(
                    null,
                    STACK.bridgeEnvironment(
                            p + "-bridge",
                            "KW_OUTBOUND_GROUP_ID",
                            p + "-outbound",
                            "KW_OUTBOUND_START_FROM",
                            "earliest"));
            try (IngestService ingest = IngestService.start(config)) {
                String viaRegistry =
                        "{\"type\":\"OVER_CONTRACTED_CAPACITY\",\"meterId\":\"" + p + "-m1\",\"state\":\"OPEN\"}";
                String named =
                        "{\"type\":\"LOW_POWER_FACTOR\",\"meterId\":\"" + p + "-m2\",\"customerId\":\"" + p + "-c2\"}";
                String orphan = "{\"type\":\"METER_OFFLINE\",\"meterId\":\"" + p + "-m9\"}";
                String hint = "{\"kind\":\"SHIFT_LOAD\",\"saving\":\"12.40\"}";
                // A suspected bypass of p-m1's meter: for the utility's inspectors, not for its customer.
                String tamper = "{\"type\":\"tamper\",\"subjectId\":\"" + p + "-m1\",\"customerId\":\"" + p
                        + "-c1\",\"state\":\"OPEN\"}";
                // Folded: p-m1's outage under its area's (their supply:
                // sent), a spike under p-m1's own over-capacity (not sent).
                String member = "{\"type\":\"meter_offline\",\"subjectId\":\"" + p + "-m1\",\"customerId\":\"" + p
                        + "-c4\"," + "\"state\":\"OPEN\",\"parentId\":\"T1/area_outage/5\"}";
                String consequence = "{\"type\":\"spike\",\"subjectId\":\"" + p + "-m1\",\"customerId\":\"" + p
                        + "-c1\"," + "\"state\":\"OPEN\",\"parentId\":\"" + p + "-m1/over_capacity/5\"}";
                kafka.send(record(Topics.ALERTS, p + "-m1", consequence));
                kafka.send(record(Topics.ALERTS, p + "-m1", member));
                kafka.send(record(Topics.ALERTS, p + "-m1", tamper));
                kafka.send(record(Topics.ALERTS, p + "-m1", viaRegistry));
                kafka.send(record(Topics.ALERTS, p + "-m2", named));
                kafka.send(record(Topics.ALERTS, p + "-m9", orphan));
                kafka.send(record(Topics.HINTS, p + "-c3", hint));
                kafka.flush();

                long deadline = System.currentTimeMillis() + 20_000;
                while ((received.size() < 4
                                || ingest.metrics().outboundUnroutable() < 1
                                || ingest.metrics().outboundStaffOnly() < 1)
                        && System.currentTimeMillis() < deadline) {
                    Thread.sleep(50);
                }
                assertThat(received)
                        .containsOnly(
                                Map.entry(Topics.customerAlertsTopic(p + "-c1"), viaRegistry),
                                Map.entry(Topics.customerAlertsTopic(p + "-c2"), named),
                                Map.entry(Topics.customerAlertsTopic(p + "-c4"), member),
                                Map.entry(Topics.customerHintsTopic(p + "-c3"), hint));
                assertThat(ingest.metrics().outboundUnroutable()).isGreaterThanOrEqualTo(1);
                assertThat(ingest.metrics().outboundStaffOnly())
                        .as("the tamper alert was withheld")
                        .isGreaterThanOrEqualTo(1);
                assertThat(ingest.metrics().outboundConsequences())
                        .as("the spike of the over-capacity was folded")
                        .isGreaterThanOrEqualTo(1);
                assertThat(ingest.metrics().outboundPublished()).isGreaterThanOrEqualTo(4);
            } finally {
                customer.disconnect();
                customer.close();
            }
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(
                topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }
}

package io.kilowatch.model.testing;

import java.util.Map;
import java.util.UUID;

/**
 * Where the integration tests find the real stack that scripts/stack.sh started. The variables
 * are the ones stack.sh reads, so `scripts/test.sh` (which moves every port so a running demo is
 * left alone) and a hand-started `scripts/stack.sh up` both work. Shared through the model's
 * test jar so every module's tests agree.
 */
public record TestStack(int mqttPort, int kafkaPort, int influxPort, String influxDb) {

    public static TestStack fromEnvironment() {
        Map<String, String> env = System.getenv();
        return new TestStack(
                Integer.parseInt(env.getOrDefault("KW_MQTT_PORT", "1883")),
                Integer.parseInt(env.getOrDefault("KW_KAFKA_PORT", "9092")),
                Integer.parseInt(env.getOrDefault("KW_INFLUX_PORT", "8086")),
                env.getOrDefault("KW_INFLUX_DB", "kilowatch"));
    }

    public String mqttUrl() {
        return "tcp://127.0.0.1:" + mqttPort;
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    public String influxUrl() {
        return "http://127.0.0.1:" + influxPort;
    }

    /**
     * The environment of an ingest bridge on this stack, as its configuration reads it
     * ({@code KW_*}): its own client id, a short session, an ephemeral HTTP port, and whatever
     * the test is about as further key/value pairs.
     */
    public Map<String, String> bridgeEnvironment(String clientId, String... extraKeysAndValues) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("KW_MQTT_URL", mqttUrl());
        env.put("KW_MQTT_CLIENT_ID", clientId);
        env.put("KW_MQTT_SESSION_EXPIRY", "10m");
        env.put("KW_KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("KW_HTTP_PORT", "0");
        for (int i = 0; i < extraKeysAndValues.length; i += 2) {
            env.put(extraKeysAndValues[i], extraKeysAndValues[i + 1]);
        }
        return env;
    }

    /**
     * The environment of a Flink job on this stack, as {@code JobConfig} reads it ({@code KW_*}):
     * the stack's Kafka, its InfluxDB with database {@code db}, and whatever the test is about as
     * further key/value pairs (which win). A mutable map, for tests that add to it.
     */
    public Map<String, String> jobEnvironment(String db, String... extraKeysAndValues) {
        Map<String, String> env = new java.util.HashMap<>();
        env.put("KW_KAFKA_BOOTSTRAP_SERVERS", kafkaBootstrap());
        env.put("KW_INFLUX_URL", influxUrl());
        env.put("KW_INFLUX_DATABASE", db);
        for (int i = 0; i < extraKeysAndValues.length; i += 2) {
            env.put(extraKeysAndValues[i], extraKeysAndValues[i + 1]);
        }
        return env;
    }

    /** A prefix that keeps one test's meters, clients and groups apart from every other's on the shared stack. */
    public static String uniquePrefix(String test) {
        return test + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

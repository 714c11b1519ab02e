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

    /** A prefix that keeps one test's meters, clients and groups apart from every other's on the shared stack. */
    public static String uniquePrefix(String test) {
        return test + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

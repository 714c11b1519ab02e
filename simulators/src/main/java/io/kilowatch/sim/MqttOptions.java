package io.kilowatch.sim;

import picocli.CommandLine.Option;

/**
 * The MQTT broker a command publishes to and over how many connections: one declaration for
 * fleet, replay, loadtest and bench-ingest. A command with another default number of
 * connections hands picocli an instance made by {@link #withConnections(int)} (picocli uses a
 * mixin field's instance and shows its initial values as the defaults).
 */
public final class MqttOptions {
    @Option(
            names = "--mqtt-url",
            defaultValue = "${env:KW_MQTT_URL:-tcp://127.0.0.1:1883}",
            description = "MQTT broker (default: ${DEFAULT-VALUE}, or KW_MQTT_URL).")
    String url;

    @Option(names = "--connections", description = "MQTT connections to publish over (default: ${DEFAULT-VALUE}).")
    int connections = 4;

    static MqttOptions withConnections(int n) {
        MqttOptions o = new MqttOptions();
        o.connections = n;
        return o;
    }

    public String url() {
        return url;
    }

    public int connections() {
        return connections;
    }
}

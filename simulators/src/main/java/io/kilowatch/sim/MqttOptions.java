package io.kilowatch.sim;

import io.kilowatch.sim.mqtt.MqttEndpoint;
import picocli.CommandLine.Option;

/**
 * The MQTT broker a command publishes to, as which account, and over how many connections: one declaration for
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

    @Option(
            names = "--mqtt-username",
            defaultValue = "${env:KW_MQTT_FLEET_USERNAME:-kw-fleet}",
            description = "Broker account: a head-end that may publish for any meter (default: ${DEFAULT-VALUE}, or"
                    + " KW_MQTT_FLEET_USERNAME; empty for an anonymous broker).")
    String username;

    // No option: a password on the command line is visible to every user of the machine.
    String password = System.getenv().getOrDefault("KW_MQTT_FLEET_PASSWORD", "");

    @Option(
            names = "--mqtt-truststore",
            defaultValue = "${env:KW_MQTT_TLS_TRUSTSTORE:-}",
            description =
                    "Trust store (PKCS12) with the broker's CA, for an ssl:// URL (default: KW_MQTT_TLS_TRUSTSTORE;"
                            + " its password from KW_MQTT_TLS_TRUSTSTORE_PASSWORD).")
    String truststore;

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

    /** The broker with the account's password from KW_MQTT_FLEET_PASSWORD. */
    public MqttEndpoint endpoint() {
        return new MqttEndpoint(
                url,
                username,
                password,
                truststore,
                System.getenv().getOrDefault("KW_MQTT_TLS_TRUSTSTORE_PASSWORD", ""));
    }

    public int connections() {
        return connections;
    }
}

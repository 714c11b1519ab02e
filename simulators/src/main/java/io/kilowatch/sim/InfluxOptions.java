package io.kilowatch.sim;

import picocli.CommandLine.Option;

/** The InfluxDB a command reads the pipeline's results from. */
public final class InfluxOptions {
    @Option(
            names = "--influx-url",
            defaultValue = "${env:KW_INFLUX_URL:-http://127.0.0.1:8086}",
            description = "InfluxDB (default: ${DEFAULT-VALUE}, or KW_INFLUX_URL).")
    String url;

    @Option(
            names = "--influx-db",
            defaultValue = "${env:KW_INFLUX_DATABASE:-kilowatch}",
            description = "InfluxDB database (default: ${DEFAULT-VALUE}, or KW_INFLUX_DATABASE).")
    String database;

    @Option(
            names = "--influx-username",
            defaultValue = "${env:KW_INFLUX_USERNAME:-}",
            description = "InfluxDB account (default: KW_INFLUX_USERNAME; its password from KW_INFLUX_PASSWORD; empty:"
                    + " no authentication).")
    String username;

    /** The account, its password from the environment (never an option: the command line is public). */
    public io.kilowatch.model.InfluxLogin login() {
        return io.kilowatch.model.InfluxLogin.of(username, System.getenv("KW_INFLUX_PASSWORD"));
    }

    public String url() {
        return url;
    }

    public String database() {
        return database;
    }
}

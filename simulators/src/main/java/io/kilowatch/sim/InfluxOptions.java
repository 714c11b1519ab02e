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

    public String url() {
        return url;
    }

    public String database() {
        return database;
    }
}

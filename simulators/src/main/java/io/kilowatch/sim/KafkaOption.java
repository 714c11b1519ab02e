package io.kilowatch.sim;

import picocli.CommandLine.Option;

/** The Kafka cluster a command reads or writes: one declaration for import, loadtest, score and hints. */
public final class KafkaOption {
    @Option(
            names = "--kafka",
            defaultValue = "${env:KW_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE}, or KW_KAFKA_BOOTSTRAP_SERVERS).")
    String bootstrap;

    public String bootstrap() {
        return bootstrap;
    }
}

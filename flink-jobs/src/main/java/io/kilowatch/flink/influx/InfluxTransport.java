package io.kilowatch.flink.influx;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * How a batch of line-protocol lines reaches InfluxDB. The sink's policy (what to retry, what
 * to drop, when to fail) is the same whatever the transport; a transport only reports what
 * InfluxDB answered.
 */
interface InfluxTransport extends AutoCloseable {

    /** What InfluxDB answered: an HTTP status and its body, or the error that kept it from answering. */
    record Answer(int status, String body, Throwable error) {
        static Answer of(int status, String body) {
            return new Answer(status, body == null ? "" : body.strip(), null);
        }

        static Answer failed(Throwable error) {
            return new Answer(0, "", error);
        }
    }

    CompletableFuture<Answer> write(List<String> lines);

    /** Where the writes go, for messages. */
    String describe();

    @Override
    void close();
}

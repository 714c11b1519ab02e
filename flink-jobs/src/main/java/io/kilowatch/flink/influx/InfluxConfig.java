package io.kilowatch.flink.influx;

import java.io.Serializable;
import java.time.Duration;

/**
 * Where and how the sink writes. The v1 {@code /write} endpoint is the default transport: it
 * works on InfluxDB 1.x, on 2.x (v1 compatibility) and on 3.x.
 *
 * @param url e.g. http://127.0.0.1:8086
 * @param username null when authentication is off
 */
public record InfluxConfig(
        String url,
        String database,
        String username,
        String password,
        int maxBatchSize,
        int maxInFlightRequests,
        int maxBufferedRequests,
        Duration maxTimeInBuffer,
        Duration requestTimeout,
        Duration maxRetryBackoff) implements Serializable {

    public static InfluxConfig local(String url, String database) {
        return new InfluxConfig(url, database, null, null, 5_000, 2, 100_000,
                Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(30));
    }
}

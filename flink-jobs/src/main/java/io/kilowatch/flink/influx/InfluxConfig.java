package io.kilowatch.flink.influx;

import java.io.Serializable;
import java.time.Duration;

/**
 * Where and how the sink writes. The v1 {@code /write} endpoint is the default transport: it
 * works on InfluxDB 1.x, on 2.x (v1 compatibility) and on 3.x.
 *
 * @param url e.g. http://127.0.0.1:8086
 * @param username null when authentication is off
 * @param transport {@code v1} ({@code /write}, the default) or {@code v2} ({@code /api/v2/write}
 *     through influxdb-client-java, with {@code token}, {@code org} and {@code bucket})
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
        Duration maxRetryBackoff,
        String transport,
        String token,
        String org,
        String bucket)
        implements Serializable {

    public InfluxConfig {
        if (!transport.equals("v1") && !transport.equals("v2")) {
            throw new IllegalArgumentException("influx.transport must be v1 or v2, got '" + transport + "'");
        }
        if (transport.equals("v2") && (token == null || org == null || bucket == null)) {
            throw new IllegalArgumentException("influx.transport=v2 needs influx.token, influx.org and influx.bucket");
        }
    }

    /**
     * The settings of {@code influx.*}'s defaults (JobConfigTest holds them equal) for a local
     * database without authentication.
     */
    public static InfluxConfig local(String url, String database) {
        return new InfluxConfig(
                url,
                database,
                null,
                null,
                5_000,
                2,
                100_000,
                Duration.ofMillis(200),
                Duration.ofSeconds(30),
                Duration.ofSeconds(30),
                "v1",
                null,
                null,
                null);
    }

    @Override
    public String toString() { // never log the password or the token
        return "InfluxConfig[url=" + url + " database=" + database + " user=" + username + " transport=" + transport
                + (transport.equals("v2") ? " org=" + org + " bucket=" + bucket : "") + " batch=" + maxBatchSize
                + " inFlight=" + maxInFlightRequests + "]";
    }

    /** The same settings logging in as {@code login} (none: no authentication). */
    public InfluxConfig withLogin(io.kilowatch.model.InfluxLogin login) {
        return with(login.username(), login.password(), maxTimeInBuffer, transport, token, org, bucket);
    }

    /** The same settings with lines waiting at most {@code interval} in the sink's buffer. */
    public InfluxConfig flushingEvery(Duration interval) {
        return with(username, password, interval, transport, token, org, bucket);
    }

    /** The same settings writing through the v2 API to {@code org}/{@code bucket} with {@code token}. */
    public InfluxConfig v2(String token, String org, String bucket) {
        return with(username, password, maxTimeInBuffer, "v2", token, org, bucket);
    }

    private InfluxConfig with(
            String username,
            String password,
            Duration maxTimeInBuffer,
            String transport,
            String token,
            String org,
            String bucket) {
        return new InfluxConfig(
                url,
                database,
                username,
                password,
                maxBatchSize,
                maxInFlightRequests,
                maxBufferedRequests,
                maxTimeInBuffer,
                requestTimeout,
                maxRetryBackoff,
                transport,
                token,
                org,
                bucket);
    }
}

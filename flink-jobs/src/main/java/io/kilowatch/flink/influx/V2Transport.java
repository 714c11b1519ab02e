package io.kilowatch.flink.influx;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.InfluxDBClientOptions;
import com.influxdb.client.WriteApiBlocking;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.exceptions.InfluxException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The v2 {@code /api/v2/write} endpoint through {@code influxdb-client-java}, for InfluxDB 2.x
 * and 3.x set up with a token, an organisation and a bucket. InfluxDB 1.x has no such endpoint
 * (it answers 404, and the job fails saying so). The client's blocking write runs on a thread of
 * this writer's own, so the sink's mailbox thread never waits on the network; the client's own
 * batching and retries are not used (the sink does both, for either transport).
 */
final class V2Transport implements InfluxTransport {
    private final InfluxConfig config;
    private final InfluxDBClient client;
    private final WriteApiBlocking write;
    private final ExecutorService io;

    V2Transport(InfluxConfig config) {
        this.config = config;
        this.client = InfluxDBClientFactory.create(InfluxDBClientOptions.builder()
                .url(config.url())
                .authenticateToken(
                        config.token() == null ? new char[0] : config.token().toCharArray())
                .org(config.org())
                .bucket(config.bucket())
                .build());
        this.write = client.getWriteApiBlocking();
        this.io = Executors.newFixedThreadPool(Math.max(1, config.maxInFlightRequests()), r -> {
            Thread t = new Thread(r, "influx-v2-write");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public CompletableFuture<Answer> write(List<String> lines) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try {
                        write.writeRecords(config.bucket(), config.org(), WritePrecision.MS, lines);
                        return Answer.of(204, "");
                    } catch (InfluxException e) {
                        return e.status() > 0 ? Answer.of(e.status(), e.getMessage()) : Answer.failed(e);
                    } catch (RuntimeException e) {
                        return Answer.failed(e);
                    }
                },
                io);
    }

    @Override
    public String describe() {
        return "InfluxDB at " + config.url() + " (v2 /api/v2/write, org '" + config.org() + "', bucket '"
                + config.bucket() + "')";
    }

    @Override
    public void close() {
        io.shutdown();
        client.close();
    }
}

package io.kilowatch.flink.influx;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.base.sink.writer.AsyncSinkWriter;
import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.ElementConverter;
import org.apache.flink.connector.base.sink.writer.ResultHandler;
import org.apache.flink.connector.base.sink.writer.config.AsyncSinkWriterConfiguration;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches of lines through an {@link InfluxTransport}: v1 {@code /write} by default,
 * v2 {@code /api/v2/write} when {@code influx.transport=v2}.
 *
 * <p>What each answer means here: 2xx written. 429, 5xx, timeouts and connection errors are
 * passing (InfluxDB restarting, overloaded): the batch is retried after an exponential backoff
 * (capped, jittered) while the buffer back-pressures the job. 400 means InfluxDB refused some
 * lines (a bug on our side, never fixed by retrying): logged with InfluxDB's reason and counted
 * in {@code influxPointsRejected}, and the job goes on. 401/403/404 (bad credentials, missing
 * database) cannot heal by themselves: the job fails with the reason.
 */
class InfluxSinkWriter<T> extends AsyncSinkWriter<T, String> {
    private static final Logger LOG = LoggerFactory.getLogger(InfluxSinkWriter.class);
    private static final long FIRST_BACKOFF_MS = 100;

    private final InfluxTransport transport;
    private final InfluxConfig config;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final Counter written;
    private final Counter rejected;
    private final Counter retries;

    InfluxSinkWriter(
            ElementConverter<T, String> converter,
            WriterInitContext context,
            InfluxConfig config,
            int maxBatchSize,
            int maxInFlight,
            int maxBuffered,
            long maxBatchBytes,
            long maxTimeInBufferMs,
            long maxRecordBytes,
            Collection<BufferedRequestState<String>> recovered) {
        super(
                converter,
                context,
                AsyncSinkWriterConfiguration.builder()
                        .setMaxBatchSize(maxBatchSize)
                        .setMaxBatchSizeInBytes(maxBatchBytes)
                        .setMaxInFlightRequests(maxInFlight)
                        .setMaxBufferedRequests(maxBuffered)
                        .setMaxTimeInBufferMS(maxTimeInBufferMs)
                        .setMaxRecordSizeInBytes(maxRecordBytes)
                        .setRequestTimeoutMS(config.requestTimeout().toMillis() * 2)
                        .setFailOnTimeout(false)
                        .build(),
                recovered);
        this.config = config;
        this.transport = config.transport().equals("v2") ? new V2Transport(config) : new V1Transport(config);
        this.written = context.metricGroup().counter("influxPointsWritten");
        this.rejected = context.metricGroup().counter("influxPointsRejected");
        this.retries = context.metricGroup().counter("influxWriteRetries");
    }

    @Override
    protected void submitRequestEntries(List<String> lines, ResultHandler<String> result) {
        transport.write(lines).thenAccept(answer -> {
            if (answer.error() != null) {
                retryLater(lines, result, "request failed: " + answer.error());
                return;
            }
            int status = answer.status();
            if (status / 100 == 2) {
                consecutiveFailures.set(0);
                written.inc(lines.size());
                result.complete();
            } else if (status == 429 || status / 100 == 5) {
                retryLater(lines, result, "HTTP " + status + " " + answer.body());
            } else if (status == 400) {
                rejected.inc(lines.size());
                LOG.error(
                        "InfluxDB refused a batch of {} lines (HTTP 400: {}); first line: {}",
                        lines.size(),
                        answer.body(),
                        lines.get(0));
                result.complete();
            } else {
                result.completeExceptionally(
                        new IllegalStateException(transport.describe() + " answered HTTP " + status + ": "
                                + answer.body() + " — check the "
                                + (config.transport().equals("v2")
                                        ? "token, organisation and bucket (InfluxDB 1.x has no v2 API: use influx.transport=v1)"
                                        : "database name and credentials")));
            }
        });
    }

    @Override
    public void close() {
        super.close();
        transport.close();
    }

    private void retryLater(List<String> lines, ResultHandler<String> result, String why) {
        int failures = consecutiveFailures.incrementAndGet();
        long cap = config.maxRetryBackoff().toMillis();
        long backoff = Math.min(cap, FIRST_BACKOFF_MS << Math.min(failures - 1, 20));
        backoff += ThreadLocalRandom.current().nextLong(backoff / 4 + 1);
        retries.inc();
        if (failures == 1 || failures % 10 == 0) {
            LOG.warn(
                    "InfluxDB write of {} lines failed ({} in a row), retrying in {} ms: {}",
                    lines.size(),
                    failures,
                    backoff,
                    why);
        }
        CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS).execute(() -> result.retryForEntries(lines));
    }

    @Override
    protected long getSizeInBytes(String line) {
        return line.length(); // ASCII for our measurements; an estimate is all batching needs
    }
}

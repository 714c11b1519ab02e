package io.kilowatch.ingest;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the bridge's counters to InfluxDB's {@code pipeline} measurement every
 * {@code pipeline.every} ({@link IngestMetrics#pipelineLines}), for the pipeline-health
 * dashboard, with the watched consumer groups' lag ({@link ConsumerLag}), and once more on close. A failed write is logged (once a minute at most) and counted;
 * it never holds up readings.
 */
final class PipelineReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineReporter.class);

    private final IngestMetrics metrics;
    private final URI write;
    private final io.kilowatch.model.InfluxLogin login;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pipeline-reporter");
        t.setDaemon(true);
        return t;
    });
    private final Duration every;
    private final AtomicLong lastWarned = new AtomicLong();
    private final ConsumerLag lag;

    PipelineReporter(IngestConfig config, IngestMetrics metrics) {
        this.metrics = metrics;
        this.lag = config.lagGroups().isEmpty() ? null : new ConsumerLag(config);
        this.every = config.pipelineEvery();
        this.login = config.influxLogin();
        String base = config.influxUrl().endsWith("/") ? config.influxUrl() : config.influxUrl() + "/";
        this.write = URI.create(
                base + "write?precision=ms&db=" + URLEncoder.encode(config.influxDatabase(), StandardCharsets.UTF_8));
    }

    void start() {
        timer.scheduleWithFixedDelay(this::report, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("writing pipeline counters to {} every {}", write, every);
    }

    void report() {
        long now = System.currentTimeMillis();
        String lines = metrics.pipelineLines(now);
        if (lag != null) {
            try {
                lines += lag.lines(now);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                failed("consumer lag not read from Kafka: " + e);
            }
        }
        try {
            HttpResponse<String> r = http.send(
                    login.apply(HttpRequest.newBuilder(write))
                            .timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString(lines))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                failed("InfluxDB answered " + r.statusCode() + ": " + r.body());
            }
        } catch (IOException e) {
            failed(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void failed(String why) {
        metrics.pipelineWriteFailures.increment();
        long now = System.currentTimeMillis();
        long last = lastWarned.get();
        if (now - last > 60_000 && lastWarned.compareAndSet(last, now)) {
            LOG.warn(
                    "pipeline counters not written to {} ({}); readings are not affected, the pipeline dashboard is behind",
                    write,
                    why);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        report();
        if (lag != null) {
            lag.close();
        }
    }
}

package io.kilowatch.flink;

import io.kilowatch.flink.influx.InfluxConfig;
import io.kilowatch.flink.records.EventTimeRange;
import io.kilowatch.model.Settings;
import io.kilowatch.model.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything the load-curve job can be told, in one place: a properties file
 * ({@code --config FILE} or {@code KW_FLINK_CONFIG}) and {@code KW_*} environment variables
 * (see {@link Settings}). Defaults fit the local stack; docs/configuration.md lists every key.
 *
 * @param startFrom where a job without a checkpoint starts reading: committed (falling back to
 *     earliest), earliest or latest
 * @param bounded stop at the offsets that are the latest when the job starts (backfill, tests)
 */
public record JobConfig(
        String kafkaBootstrapServers,
        String readingsTopic,
        String lateTopic,
        String consumerGroup,
        String startFrom,
        boolean bounded,
        Map<String, String> kafkaClient,
        InfluxConfig influx,
        Duration outOfOrderness,
        Duration idleness,
        Duration dedupRetention,
        Duration allowedLateness1m,
        Duration allowedLateness15m,
        Duration checkpointInterval,
        int parallelism,
        EventTimeRange backfill,
        Duration backfillSlack) {

    static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("kafka.bootstrap-servers", "127.0.0.1:9092"),
            Map.entry("kafka.topic.readings", Topics.READINGS),
            Map.entry("kafka.topic.late", Topics.LATE),
            Map.entry("kafka.group-id", "kilowatch-load-curves"),
            Map.entry("kafka.start-from", "committed"),
            Map.entry("job.bounded", "false"),
            Map.entry("influx.url", "http://127.0.0.1:8086"),
            Map.entry("influx.database", "kilowatch"),
            Map.entry("influx.username", ""),
            Map.entry("influx.password", ""),
            Map.entry("influx.batch-size", "5000"),
            Map.entry("influx.flush-interval", "1s"),
            Map.entry("time.out-of-orderness", "2m"),
            Map.entry("time.idleness", "1m"),
            Map.entry("time.allowed-lateness.1m", "0s"),
            Map.entry("time.allowed-lateness.15m", "2h"),
            Map.entry("dedup.retention", "3h"),
            Map.entry("checkpoint.interval", "30s"),
            Map.entry("job.parallelism", "0"),
            Map.entry("backfill.from", ""),
            Map.entry("backfill.to", ""),
            Map.entry("backfill.slack", "10m"));

    public static JobConfig load(Path file, Map<String, String> env) throws IOException {
        return from(Settings.load(DEFAULTS, file, env));
    }

    public static JobConfig from(Settings s) {
        String startFrom = s.get("kafka.start-from");
        if (!startFrom.equals("committed") && !startFrom.equals("earliest") && !startFrom.equals("latest")) {
            throw new IllegalArgumentException("kafka.start-from must be committed, earliest or latest; got '" + startFrom + "'");
        }
        InfluxConfig local = InfluxConfig.local(s.get("influx.url"), s.get("influx.database"));
        InfluxConfig influx = new InfluxConfig(local.url(), local.database(), s.getOrNull("influx.username"),
                s.getOrNull("influx.password"), s.getInt("influx.batch-size"), local.maxInFlightRequests(),
                local.maxBufferedRequests(), s.getDuration("influx.flush-interval"), local.requestTimeout(),
                local.maxRetryBackoff());
        JobConfig config = new JobConfig(
                s.get("kafka.bootstrap-servers"),
                s.get("kafka.topic.readings"),
                s.get("kafka.topic.late"),
                s.get("kafka.group-id"),
                startFrom,
                s.getBoolean("job.bounded"),
                s.withPrefix("kafka.client."),
                influx,
                s.getDuration("time.out-of-orderness"),
                s.getDuration("time.idleness"),
                s.getDuration("dedup.retention"),
                s.getDuration("time.allowed-lateness.1m"),
                s.getDuration("time.allowed-lateness.15m"),
                s.getDuration("checkpoint.interval"),
                s.getInt("job.parallelism"),
                backfillRange(s.getOrNull("backfill.from"), s.getOrNull("backfill.to")),
                s.getDuration("backfill.slack"));
        config.params(); // checks the time rules against each other now, not when the job starts
        return config;
    }

    private static EventTimeRange backfillRange(String from, String to) {
        if (from == null && to == null) {
            return null;
        }
        if (from == null || to == null) {
            throw new IllegalArgumentException("a backfill needs both backfill.from and backfill.to");
        }
        try {
            return new EventTimeRange(java.time.Instant.parse(from), java.time.Instant.parse(to));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("backfill.from/to must be ISO-8601 instants like 2026-11-22T00:00:00Z: " + e.getMessage());
        }
    }

    public boolean isBackfill() {
        return backfill != null;
    }

    /** The part of the configuration the pipeline's operators need (serializable, no endpoints). */
    public LoadCurveJob.Params params() {
        return new LoadCurveJob.Params(outOfOrderness, idleness, dedupRetention, allowedLateness1m, allowedLateness15m);
    }
}

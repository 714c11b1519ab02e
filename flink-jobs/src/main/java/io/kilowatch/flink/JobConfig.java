package io.kilowatch.flink;

import io.kilowatch.billing.advice.Advisor;
import io.kilowatch.flink.alerts.AlertRules;
import io.kilowatch.flink.curves.CurveRules;
import io.kilowatch.flink.curves.KpiCalendar;
import io.kilowatch.flink.influx.InfluxConfig;
import io.kilowatch.flink.records.EventTimeRange;
import io.kilowatch.flink.tariffs.TariffRules;
import io.kilowatch.model.Settings;
import io.kilowatch.model.Topics;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Everything the load-curve and alert jobs can be told, in one place: a properties file
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
        String registryTopic,
        String lateTopic,
        String consumerGroup,
        String startFrom,
        boolean bounded,
        Map<String, String> kafkaClient,
        InfluxConfig influx,
        Duration outOfOrderness,
        Duration idleness,
        Duration closeAfterIdle,
        Duration allowedLateness1m,
        Duration allowedLateness15m,
        CurveRules rules,
        Duration checkpointInterval,
        String stateBackend,
        String checkpointDir,
        int parallelism,
        EventTimeRange backfill,
        Duration backfillSlack,
        String alertsTopic,
        String alertsGroupId,
        AlertRules alertRules,
        boolean alertsWithLoadCurves,
        boolean alertsExactlyOnce,
        String tariffsTopic,
        String hintsTopic,
        boolean tariffsEnabled,
        TariffRules tariffRules,
        Duration tariffsFlushInterval,
        io.kilowatch.flink.curves.InsightRules insightRules,
        List<Duration> compareShifts) {

    static final Map<String, String> DEFAULTS = Map.ofEntries(
            Map.entry("kafka.bootstrap-servers", "127.0.0.1:9092"),
            Map.entry("kafka.topic.readings", Topics.READINGS),
            Map.entry("kafka.topic.registry", Topics.REGISTRY),
            Map.entry("kafka.topic.late", Topics.LATE),
            Map.entry("kafka.group-id", "kilowatch-load-curves"),
            Map.entry("kafka.start-from", "committed"),
            Map.entry("job.bounded", "false"),
            Map.entry("influx.url", "http://127.0.0.1:8086"),
            Map.entry("influx.database", "kilowatch"),
            Map.entry("influx.username", ""),
            Map.entry("influx.password", ""),
            Map.entry("influx.batch-size", "5000"),
            Map.entry("influx.transport", "v1"),
            Map.entry("influx.token", ""),
            Map.entry("influx.org", ""),
            Map.entry("influx.bucket", ""),
            Map.entry("influx.flush-interval", "200ms"),
            Map.entry("time.out-of-orderness", "2m"),
            Map.entry("time.idleness", "1m"),
            // Off: a quiet source is no proof that time has passed (docs/decisions.md). For replays and demos.
            Map.entry("time.close-after-idle", "0s"),
            Map.entry("time.allowed-lateness.1m", "0s"),
            Map.entry("time.allowed-lateness.15m", "2h"),
            Map.entry("gaps.max-intervals", "4"),
            Map.entry("register.rollover-kwh", "1000000"),
            Map.entry("register.reset-below-kwh", "10"),
            Map.entry("kpi.zone", "Asia/Shanghai"),
            Map.entry("kpi.tou-plan", "hb-ic-10kv-tou"),
            Map.entry("tariffs.catalogue", ""),
            Map.entry("curves.meter-1m.classes", "industrial,transformer"),
            Map.entry("curves.meter-1m.ids", ""),
            Map.entry("curves.compare-shifts", "1d,7d"),
            Map.entry("insight.window", "28d"),
            Map.entry("insight.bands.residential", "230,400,800"),
            Map.entry("insight.bands.prosumer", "230,400,800"),
            Map.entry("insight.bands.commercial", "1000,5000,20000"),
            Map.entry("insight.bands.industrial", "20000,100000,500000"),
            Map.entry("checkpoint.interval", "30s"),
            Map.entry("state.backend", "hashmap"),
            Map.entry("state.checkpoint-dir", ""),
            Map.entry("job.parallelism", "0"),
            Map.entry("backfill.from", ""),
            Map.entry("backfill.to", ""),
            Map.entry("backfill.slack", "10m"),
            Map.entry("kafka.topic.alerts", Topics.ALERTS),
            Map.entry("alerts.group-id", "kilowatch-alerts"),
            Map.entry("alerts.with-load-curves", "false"),
            // A restart from a checkpoint must not open an incident twice (docs/alerts.md, "Delivery").
            Map.entry("alerts.delivery", "exactly-once"),
            Map.entry("alerts.open-after", "2m"),
            Map.entry("alerts.resolve-after", "5m"),
            Map.entry("alerts.over-capacity.ratio", "1.0"),
            Map.entry("alerts.transformer-overload.ratio", "1.0"),
            Map.entry("alerts.voltage.low-ratio", "0.9"),
            Map.entry("alerts.voltage.high-ratio", "1.1"),
            Map.entry("alerts.low-pf", "0.8"),
            Map.entry("alerts.low-pf.min-load-ratio", "0.05"),
            Map.entry("alerts.spike.factor", "3"),
            Map.entry("alerts.spike.min-kw", "1"),
            Map.entry("alerts.spike.sigmas", "4"),
            Map.entry("alerts.spike.max", "15m"),
            Map.entry("alerts.spike.learn-days", "1"),
            Map.entry("alerts.offline-after", "15m"),
            Map.entry("alerts.pipeline-silent-after", "5m"),
            Map.entry("alerts.state-horizon", "7d"),
            Map.entry("alerts.theft.ratio", "0.5"),
            Map.entry("alerts.theft.window-hours", "3"),
            Map.entry("alerts.theft.min-kwh", "1"),
            Map.entry("alerts.theft.unconfirmed-after", "14d"),
            Map.entry("alerts.line-loss.ratio", "0.10"),
            Map.entry("alerts.fold.area-share", "0.5"),
            Map.entry("alerts.fold.min-meters", "3"),
            Map.entry("alerts.fold.feeder-share", "0.5"),
            Map.entry("alerts.fold.window", "3m"),
            Map.entry("kafka.topic.tariffs", Topics.TARIFFS),
            Map.entry("kafka.topic.hints", Topics.HINTS),
            Map.entry("tariffs.enabled", "true"),
            Map.entry("tariffs.update-every", "30s"),
            Map.entry("tariffs.influx.flush-interval", "5s"),
            Map.entry("tariffs.hints.min-share", "0.02"),
            Map.entry("tariffs.hints.min-amount", "5"),
            Map.entry("tariffs.hints.resend-change", "0.2"),
            Map.entry("tariffs.hints.peak-share-factor", "1.4"),
            Map.entry("tariffs.hints.target-power-factor", "0.95"),
            Map.entry("tariffs.hints.demand.min-amount", "10"),
            Map.entry("tariffs.hints.demand.min-minutes", "5"),
            Map.entry("tariffs.hints.demand.min-rise", "0.05"),
            Map.entry("tariffs.hints.demand.min-days", "7d"),
            Map.entry("tariffs.flexible-share.residential", "0.10"),
            Map.entry("tariffs.flexible-share.prosumer", "0.10"),
            Map.entry("tariffs.flexible-share.commercial", "0.10"),
            Map.entry("tariffs.flexible-share.industrial", "0.15"));

    /**
     * The tariff stage's InfluxDB settings: {@link #influx}'s, flushed every {@code
     * tariffs.influx.flush-interval}. Bills change as quarters close; at the load curves' 200 ms a
     * second sink sent InfluxDB a request of a few bill points five times a second per subtask,
     * each costing it as much as hundreds of points in a larger one (docs/benchmarks.md).
     */
    public InfluxConfig tariffsInflux() {
        return influx.flushingEvery(tariffsFlushInterval);
    }

    public static JobConfig load(Path file, Map<String, String> env) throws IOException {
        return from(Settings.load(DEFAULTS, file, env));
    }

    public static JobConfig from(Settings s) {
        String startFrom = s.get("kafka.start-from");
        if (!startFrom.equals("committed") && !startFrom.equals("earliest") && !startFrom.equals("latest")) {
            throw new IllegalArgumentException(
                    "kafka.start-from must be committed, earliest or latest; got '" + startFrom + "'");
        }
        InfluxConfig local = InfluxConfig.local(s.get("influx.url"), s.get("influx.database"));
        InfluxConfig influx = new InfluxConfig(
                local.url(),
                local.database(),
                s.getOrNull("influx.username"),
                s.getOrNull("influx.password"),
                s.getInt("influx.batch-size"),
                local.maxInFlightRequests(),
                local.maxBufferedRequests(),
                s.getDuration("influx.flush-interval"),
                local.requestTimeout(),
                local.maxRetryBackoff(),
                s.get("influx.transport"),
                s.getOrNull("influx.token"),
                s.getOrNull("influx.org"),
                s.getOrNull("influx.bucket"));
        JobConfig config = new JobConfig(
                s.get("kafka.bootstrap-servers"),
                s.get("kafka.topic.readings"),
                s.get("kafka.topic.registry"),
                s.get("kafka.topic.late"),
                s.get("kafka.group-id"),
                startFrom,
                s.getBoolean("job.bounded"),
                s.withPrefix("kafka.client."),
                influx,
                s.getDuration("time.out-of-orderness"),
                s.getDuration("time.idleness"),
                s.getDuration("time.close-after-idle"),
                s.getDuration("time.allowed-lateness.1m"),
                s.getDuration("time.allowed-lateness.15m"),
                new CurveRules(
                        s.getInt("gaps.max-intervals"),
                        s.getDouble("register.rollover-kwh"),
                        s.getDouble("register.reset-below-kwh"),
                        zone(s.get("kpi.zone")),
                        KpiCalendar.of(catalogue(s.getOrNull("tariffs.catalogue")), s.get("kpi.tou-plan")),
                        list(s.getOrNull("curves.meter-1m.classes")),
                        list(s.getOrNull("curves.meter-1m.ids"))),
                s.getDuration("checkpoint.interval"),
                stateBackend(s.get("state.backend")),
                checkpointDir(s.getOrNull("state.checkpoint-dir")),
                s.getInt("job.parallelism"),
                backfillRange(s.getOrNull("backfill.from"), s.getOrNull("backfill.to")),
                s.getDuration("backfill.slack"),
                s.get("kafka.topic.alerts"),
                s.get("alerts.group-id"),
                alertRules(s),
                s.getBoolean("alerts.with-load-curves"),
                exactlyOnce("alerts.delivery", s.get("alerts.delivery")),
                s.get("kafka.topic.tariffs"),
                s.get("kafka.topic.hints"),
                s.getBoolean("tariffs.enabled"),
                tariffRules(s),
                s.getDuration("tariffs.influx.flush-interval"),
                insightRules(s),
                durations("curves.compare-shifts", s.getOrNull("curves.compare-shifts")));
        if (!config.closeAfterIdle().isZero() && config.closeAfterIdle().compareTo(config.idleness()) >= 0) {
            // An idle partition's watermark is no longer emitted: the close must come first.
            throw new IllegalArgumentException("time.close-after-idle (" + config.closeAfterIdle()
                    + ") must be shorter than time.idleness (" + config.idleness() + ")");
        }
        if (config.allowedLateness1m().compareTo(config.allowedLateness15m()) > 0) {
            // checked now, not when the job starts: the 15-minute interval holds the dedup memory of its minutes
            throw new IllegalArgumentException("time.allowed-lateness.1m (" + config.allowedLateness1m()
                    + ") must not exceed time.allowed-lateness.15m (" + config.allowedLateness15m() + ")");
        }
        return config;
    }

    private static boolean exactlyOnce(String key, String value) {
        return switch (value) {
            case "exactly-once" -> true;
            case "at-least-once" -> false;
            default ->
                throw new IllegalArgumentException(key + " must be exactly-once or at-least-once; got '" + value + "'");
        };
    }

    private static List<Duration> durations(String key, String commaSeparated) {
        return list(commaSeparated).stream()
                .map(v -> Settings.parseDuration(key, v))
                .sorted()
                .toList();
    }

    private static io.kilowatch.flink.curves.InsightRules insightRules(Settings s) {
        java.time.Duration window = s.getDuration("insight.window");
        if (window.toMillis() % 86_400_000L != 0) {
            throw new IllegalArgumentException("insight.window must be whole days, got " + window);
        }
        Map<String, double[]> bands = new java.util.HashMap<>();
        for (Map.Entry<String, String> e : s.withPrefix("insight.bands.").entrySet()) {
            double[] b = java.util.Arrays.stream(e.getValue().split(","))
                    .map(String::strip)
                    .filter(x -> !x.isEmpty())
                    .mapToDouble(Double::parseDouble)
                    .toArray();
            for (int i = 1; i < b.length; i++) {
                if (b[i] <= b[i - 1]) {
                    throw new IllegalArgumentException(
                            "insight.bands." + e.getKey() + " must ascend, got " + e.getValue());
                }
            }
            bands.put(e.getKey(), b);
        }
        return new io.kilowatch.flink.curves.InsightRules((int) window.toDays(), bands);
    }

    private static AlertRules alertRules(Settings s) {
        return new AlertRules(
                s.getDuration("alerts.open-after"),
                s.getDuration("alerts.resolve-after"),
                s.getDouble("alerts.over-capacity.ratio"),
                s.getDouble("alerts.transformer-overload.ratio"),
                s.getDouble("alerts.voltage.low-ratio"),
                s.getDouble("alerts.voltage.high-ratio"),
                s.getDouble("alerts.low-pf"),
                s.getDouble("alerts.low-pf.min-load-ratio"),
                new AlertRules.Spike(
                        s.getDouble("alerts.spike.factor"),
                        s.getDouble("alerts.spike.sigmas"),
                        s.getDouble("alerts.spike.min-kw"),
                        s.getDuration("alerts.spike.max"),
                        s.getInt("alerts.spike.learn-days")),
                s.getDuration("alerts.offline-after"),
                s.getDouble("alerts.theft.ratio"),
                s.getInt("alerts.theft.window-hours"),
                s.getDouble("alerts.theft.min-kwh"),
                s.getDouble("alerts.line-loss.ratio"),
                s.getDuration("alerts.pipeline-silent-after"),
                s.getDuration("alerts.state-horizon"),
                new AlertRules.Fold(
                        s.getDouble("alerts.fold.area-share"),
                        s.getInt("alerts.fold.min-meters"),
                        s.getDouble("alerts.fold.feeder-share"),
                        s.getDuration("alerts.fold.window")),
                s.getDuration("alerts.theft.unconfirmed-after"));
    }

    /**
     * The tariff catalogue file the KPI calendar is read from at start-up (the sample when not
     * set): the same file {@code scripts/tariffs.sh load} puts into kw.tariffs for the bills.
     */
    private static io.kilowatch.model.tariff.TariffCatalogue catalogue(String file) {
        if (file == null) {
            return io.kilowatch.model.tariff.TariffCatalogue.sample();
        }
        try {
            return io.kilowatch.model.tariff.TariffCatalogue.load(Path.of(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("tariffs.catalogue " + file + " cannot be read: " + e.getMessage());
        }
    }

    private static TariffRules tariffRules(Settings s) {
        Map<String, BigDecimal> shares = new java.util.HashMap<>();
        for (String c : new String[] {"residential", "prosumer", "commercial", "industrial"}) {
            BigDecimal share = decimal(s, "tariffs.flexible-share." + c);
            if (share.signum() < 0 || share.compareTo(BigDecimal.ONE) > 0) {
                throw new IllegalArgumentException(
                        "tariffs.flexible-share." + c + " must be a share between 0 and 1; got " + share);
            }
            shares.put(c, share);
        }
        return new TariffRules(
                s.getDuration("tariffs.update-every"),
                new Advisor.Thresholds(
                        decimal(s, "tariffs.hints.min-share"),
                        decimal(s, "tariffs.hints.min-amount"),
                        decimal(s, "tariffs.hints.peak-share-factor"),
                        decimal(s, "tariffs.hints.target-power-factor"),
                        decimal(s, "tariffs.hints.demand.min-amount"),
                        decimal(s, "tariffs.hints.demand.min-rise")),
                shares,
                decimal(s, "tariffs.hints.resend-change"),
                s.getDouble("tariffs.hints.demand.min-minutes"),
                s.getDuration("tariffs.hints.demand.min-days"));
    }

    /** Money and shares as exact decimals. */
    private static BigDecimal decimal(Settings s, String key) {
        try {
            return new BigDecimal(s.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a decimal number; got '" + s.get(key) + "'");
        }
    }

    private static ZoneId zone(String id) {
        try {
            return ZoneId.of(id);
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException(
                    "kpi.zone must be a time-zone id like Asia/Shanghai or Europe/London; got '" + id + "'");
        }
    }

    private static Set<String> list(String commaSeparated) {
        if (commaSeparated == null) {
            return Set.of();
        }
        return Arrays.stream(commaSeparated.split(","))
                .map(String::trim)
                .filter(x -> !x.isEmpty())
                .collect(Collectors.toSet());
    }

    /**
     * Where checkpoints go. Never Flink's in-memory default: it caps a checkpoint at 5 MB, which
     * a fleet of a few thousand meters exceeds, and every checkpoint then fails (found by the load
     * test). Without a setting: a folder under the JVM's temporary directory.
     */
    private static String checkpointDir(String configured) {
        return configured != null
                ? configured
                : Path.of(System.getProperty("java.io.tmpdir"), "kilowatch-checkpoints")
                        .toUri()
                        .toString();
    }

    private static String stateBackend(String name) {
        if (!name.equals("hashmap") && !name.equals("rocksdb")) {
            throw new IllegalArgumentException(
                    "state.backend must be hashmap (state on the heap) or rocksdb (large fleets); got '" + name + "'");
        }
        return name;
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
            throw new IllegalArgumentException(
                    "backfill.from/to must be ISO-8601 instants like 2026-11-22T00:00:00Z: " + e.getMessage());
        }
    }

    public boolean isBackfill() {
        return backfill != null;
    }
}

package io.kilowatch.flink.bench;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.LoadCurveJob;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.RegistryCodec;
import io.kilowatch.model.RegistryEntry;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.shaded.guava33.com.google.common.hash.Hashing;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Issue #4's benchmark: pre-fills a readings topic with simulated readings (and their registry,
 * customers on the sample tariff catalogue's plans, and the catalogue), then, in one run,
 * measures a pass-through job (Kafka → decode → discard) and the full load-curve job (every
 * level, writing to InfluxDB) over the same topic, without and with its tariff stage (bills and
 * hints: issue #11's A/B pair, back to back). Reports readings/s of each, their ratios, the
 * keyed state per meter and per customer from the largest checkpoint taken during the runs, and
 * reconciles the readings counted in InfluxDB with those produced. Not a test: figures go to
 * docs/benchmarks.md. Run by {@code scripts/bench-load-curves.sh}.
 *
 * <p>Arguments: {@code --meters N --readings-per-meter N --period-seconds S --parallelism P --tariffs ab|ba|on|off --pairs N --warmup N}:
 * {@code --warmup} runs of the whole job first (default 2, not counted: the first runs in a JVM
 * compile the code; the JIT threads still took 3.7 µs a reading in the run after one warm-up),
 * then {@code --pairs} A/B pairs in alternating order (ab: the first pair without, then with the
 * tariff stage; ba: the other way round). Every run starts settled ({@link #settle}).
 */
public final class LoadCurveBenchmark {
    private static final String[] CLASSES = {
        "residential",
        "residential",
        "residential",
        "residential",
        "residential",
        "residential",
        "residential",
        "commercial",
        "commercial",
        "residential",
        "residential",
        "residential",
        "residential",
        "residential",
        "commercial",
        "commercial",
        "commercial",
        "residential",
        "prosumer",
        "industrial"
    };

    private LoadCurveBenchmark() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>(Map.of(
                "--meters",
                "10000",
                "--readings-per-meter",
                "500",
                "--period-seconds",
                "60",
                "--parallelism",
                "2",
                "--tariffs",
                "ab",
                "--pairs",
                "2",
                "--warmup",
                "2"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        int meters = Integer.parseInt(a.get("--meters"));
        int perMeter = Integer.parseInt(a.get("--readings-per-meter"));
        long periodMs = Long.parseLong(a.get("--period-seconds")) * 1000;
        int parallelism = Integer.parseInt(a.get("--parallelism"));
        String bootstrap = env("KW_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092");
        String influxUrl = env("KW_INFLUX_URL", "http://127.0.0.1:8086");
        String run = "bench" + System.currentTimeMillis();
        String readingsTopic = run + ".readings";
        String registryTopic = run + ".registry";
        String tariffsTopic = run + ".tariffs";
        String db = "bench_" + run.substring(5);
        long total = (long) meters * perMeter;
        // Event time ends at the last UTC midnight (08:00 in the sample plans' Asia/Shanghai), the
        // same hours of the day whenever the benchmark runs: the default 500 minutes then always
        // cross the plans' local midnight, so every run closes a day (every plan's bill, the
        // day's hints). Ending an hour before the start hour made the tariff stage's work depend
        // on when the command was started.
        long t0 = Instant.now()
                .truncatedTo(ChronoUnit.DAYS)
                .minus(Duration.ofMillis(periodMs * perMeter))
                .toEpochMilli();

        say(
                "machine: %d cores, %d MiB max heap, Java %s",
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20,
                System.getProperty("java.version"));
        say(
                "pre-filling %s with %,d readings (%,d meters × %d, every %d s) and their registry",
                readingsTopic, total, meters, perMeter, periodMs / 1000);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic(readingsTopic, parallelism, (short) 1),
                            new NewTopic(registryTopic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                            new NewTopic(tariffsTopic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                            new NewTopic(run + ".hints", 1, (short) 1),
                            new NewTopic(run + ".alerts", 1, (short) 1),
                            new NewTopic(run + ".late", 1, (short) 1)))
                    .all()
                    .get();
        }
        long prefillStart = System.nanoTime();
        prefill(bootstrap, readingsTopic, registryTopic, tariffsTopic, meters, perMeter, periodMs, t0);
        say("pre-filled in %.1f s", (System.nanoTime() - prefillStart) / 1e9);

        Map<String, String> cfg = new HashMap<>();
        // The job's other settings from the environment (KW_TARIFFS_UPDATE_EVERY=30s, ...), so a run
        // can vary one; topics, database and group below are the benchmark's own.
        System.getenv().forEach((k, v) -> {
            if (k.startsWith("KW_")) {
                cfg.put(k, v);
            }
        });
        cfg.put("KW_KAFKA_BOOTSTRAP_SERVERS", bootstrap);
        cfg.put("KW_KAFKA_TOPIC_READINGS", readingsTopic);
        cfg.put("KW_KAFKA_TOPIC_REGISTRY", registryTopic);
        cfg.put("KW_KAFKA_TOPIC_LATE", run + ".late");
        cfg.put("KW_KAFKA_TOPIC_TARIFFS", tariffsTopic);
        cfg.put("KW_KAFKA_TOPIC_HINTS", run + ".hints");
        cfg.put(
                "KW_KAFKA_TOPIC_ALERTS",
                run + ".alerts"); // with KW_ALERTS_WITH_LOAD_CURVES=true the alert stage runs too
        cfg.put("KW_KAFKA_START_FROM", "earliest");
        cfg.put("KW_JOB_BOUNDED", "true");
        cfg.put("KW_INFLUX_URL", influxUrl);
        if (LOGIN.present()) {
            cfg.put("KW_INFLUX_USERNAME", LOGIN.username());
            cfg.put("KW_INFLUX_PASSWORD", LOGIN.password());
        }

        cfg.put("KW_KAFKA_GROUP_ID", run + "-pass");
        JobConfig passConfig = JobConfig.load(null, cfg);
        long[] decoded = new long[1];
        Timing pass = timed(() -> decoded[0] = PassThrough.run(passConfig, parallelism));
        double passSeconds = pass.seconds();
        if (decoded[0] != total) {
            say("pass-through decoded %,d readings of %,d", decoded[0], total);
        }
        say("pass-through: %,d readings in %.1f s = %,.0f readings/s", total, passSeconds, total / passSeconds);
        say("  %s", pass.perReading(total));

        // Which runs: the first job runs in a JVM also pay for compiling its code (in the tests of
        // this machine, whichever of A and B ran first was up to 40 % slower), so warm-up runs of
        // the job with every stage come first, and pairs alternate their order.
        String mode = a.get("--tariffs");
        int pairs = Integer.parseInt(a.get("--pairs"));
        int warmups = Integer.parseInt(a.get("--warmup"));
        List<Boolean> order = new java.util.ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            boolean tariffsFirst = mode.equals("ba") == (i % 2 == 0);
            switch (mode) {
                case "on" -> order.add(true);
                case "off" -> order.add(false);
                default -> order.addAll(List.of(tariffsFirst, !tariffsFirst));
            }
        }
        Bench bench = new Bench(cfg, run, db, influxUrl, parallelism, meters, total);
        for (int i = 0; i < warmups; i++) {
            Timing w = bench.job(true, "warm-up " + (i + 1), false);
            say(
                    "warm-up %d (not counted): %,d readings in %.1f s = %,.0f readings/s",
                    i + 1, total, w.seconds(), total / w.seconds());
        }
        List<PairRatios> ratios = new java.util.ArrayList<>();
        Map<Boolean, Timing> last = new LinkedHashMap<>();
        int n = 0;
        for (boolean tariffs : order) {
            n++;
            String label = (tariffs
                            ? "load curves + tariffs (bills, hints → InfluxDB, kw.hints)"
                            : "load curves (all levels → InfluxDB)")
                    + " [run " + n + "]";
            Timing t = bench.job(tariffs, label, true);
            say("  ratio to pass-through: %.0f%%", 100 * passSeconds / t.seconds());
            last.put(tariffs, t);
            if (last.size() == 2 && n % 2 == 0) {
                Timing off = last.get(false);
                Timing on = last.get(true);
                PairRatios r = new PairRatios(
                        off.seconds() / on.seconds(),
                        on.machineCpuSeconds() / off.machineCpuSeconds() - 1,
                        on.throughputRatioAtSpeedOf(off));
                ratios.add(r);
                say(
                        "pair %d: tariff stage at %.1f%% of the load-curve job's throughput (%,.0f vs %,.0f readings/s);"
                                + " CPU per reading %+.2f µs in the job's JVM (%+.0f%%), %+.2f µs on the machine (%+.0f%%);"
                                + " the shadow-bills task %.2f µs, InfluxDB %+.2f µs (%+.2f µs after the job ended), the JVM's GC threads %+.2f µs, JIT %+.2f µs, threads that are no task %+.2f µs",
                        ratios.size(),
                        100 * r.throughput(),
                        total / on.seconds(),
                        total / off.seconds(),
                        (on.jvmCpuSeconds() - off.jvmCpuSeconds()) * 1e6 / total,
                        100 * (on.jvmCpuSeconds() / off.jvmCpuSeconds() - 1),
                        (on.machineCpuSeconds() - off.machineCpuSeconds()) * 1e6 / total,
                        100 * (on.machineCpuSeconds() / off.machineCpuSeconds() - 1),
                        on.taskSeconds("shadow bills") * 1e6 / total,
                        (on.influxCpuSeconds() - off.influxCpuSeconds()) * 1e6 / total,
                        (on.influxAfterSeconds() - off.influxAfterSeconds()) * 1e6 / total,
                        (on.taskSeconds("GC threads") - off.taskSeconds("GC threads")) * 1e6 / total,
                        (on.taskSeconds("JIT compiler") - off.taskSeconds("JIT compiler")) * 1e6 / total,
                        (on.taskSeconds("other: ") - off.taskSeconds("other: ")) * 1e6 / total);
                say(
                        "pair %d at one machine speed: %.1f%% (the tasks both arms share took %.2f µs a reading with the stage, %.2f µs without)",
                        ratios.size(),
                        100 * r.atOneMachineSpeed(),
                        on.sharedTaskSeconds() * 1e6 / total,
                        off.sharedTaskSeconds() * 1e6 / total);
                last.clear();
            }
        }
        if (!ratios.isEmpty()) {
            say(
                    "tariff stage over %d pairs: %.1f%% of the load-curve job's throughput (mean; pairs %s); machine CPU per reading %+.0f%% (mean)",
                    ratios.size(),
                    PairRatios.mean(ratios, PairRatios::throughput),
                    PairRatios.each(ratios, PairRatios::throughput),
                    PairRatios.mean(ratios, PairRatios::machineCpu));
            say(
                    "tariff stage over %d pairs at one machine speed: %.1f%% (mean; pairs %s)",
                    ratios.size(),
                    PairRatios.mean(ratios, PairRatios::atOneMachineSpeed),
                    PairRatios.each(ratios, PairRatios::atOneMachineSpeed));
        }
    }

    /** One run of the full load-curve job over the pre-filled topic, with or without its tariff stage. */
    private record Bench(
            Map<String, String> cfg, String run, String db, String influxUrl, int parallelism, int meters, long total) {
        Timing job(boolean tariffs, String label, boolean report) throws Exception {
            String name = label.replaceAll("[^a-z0-9]+", "-");
            cfg.put("KW_KAFKA_GROUP_ID", run + "-" + name);
            cfg.put("KW_TARIFFS_ENABLED", Boolean.toString(tariffs));
            // Each run writes into an empty database of its own, dropped after it: a later run
            // neither overwrites an earlier one's points nor pays for compacting them.
            String runDb = db + "_" + name.replace('-', '_');
            influxQl(influxUrl, null, "CREATE DATABASE \"" + runDb + "\"");
            cfg.put("KW_INFLUX_DATABASE", runDb);
            JobConfig fullConfig = JobConfig.load(null, cfg);
            Path checkpoints = Files.createTempDirectory("kw-bench-checkpoints");
            AtomicReference<Map<String, Long>> stateSizes = new AtomicReference<>();
            Thread watcher = watchCheckpoints(checkpoints, stateSizes);
            double settled = settle();
            long[] before = influxWrites(influxUrl);
            Timing ran = timed(() -> fullJob(fullConfig, parallelism, checkpoints));
            long[] after = influxWrites(influxUrl);
            watcher.interrupt();
            // What InfluxDB still does for the run's points once the job ended (compactions):
            // counted with the run, and out of the next run's way.
            double influxBefore = processCpuSeconds("influxd");
            settle();
            Timing t = ran.withInfluxAfter(processCpuSeconds("influxd") - influxBefore);
            if (!report) {
                influxQl(influxUrl, null, "DROP DATABASE \"" + runDb + "\"");
                return t;
            }
            say(
                    "%s: %,d readings in %.1f s = %,.0f readings/s (started after %.0f s of settling)",
                    label, total, t.seconds(), total / t.seconds(), settled);
            say("  %s", t.perReading(total));
            say("  %s", t.coresBusy());
            t.perTask(total).forEach(line -> say("    %s", line));
            say(
                    "  InfluxDB: %,d write requests, %,d points, %s series",
                    after[0] - before[0],
                    after[1] - before[1],
                    count(influxQl(influxUrl, runDb, "SHOW SERIES CARDINALITY")));
            if (tariffs) {
                // What the stage keeps in InfluxDB (points it wrote over again are not counted
                // twice: the writes are the difference of the two runs' points above).
                say(
                        "  tariff points kept: bills %s, revenue %s, tariff_hints %s",
                        counted(influxQl(influxUrl, runDb, "SELECT count(\"total\") FROM bills")),
                        counted(influxQl(influxUrl, runDb, "SELECT count(\"billed\") FROM revenue")),
                        byTag(
                                influxQl(
                                        influxUrl,
                                        runDb,
                                        "SELECT count(\"saving\") FROM tariff_hints GROUP BY \"kind\""),
                                "kind"));
            }
            Map<String, Long> sizes = stateSizes.get();
            if (sizes == null) {
                say("  no checkpoint completed during the run: state size not measured (run longer)");
            } else {
                sizes.forEach((op, bytes) -> say("  checkpointed state of %-30s %,12d bytes", op, bytes));
                say(
                        "  state per meter (meter-intervals keyed state / meters): %.0f bytes",
                        (double) sizes.getOrDefault("meter-intervals", 0L) / meters);
                say(
                        "    with each subtask's copy of the registry (operator state): %.0f bytes",
                        (double) (sizes.getOrDefault("meter-intervals", 0L)
                                        + sizes.getOrDefault("meter-intervals operator state", 0L))
                                / meters);
                if (sizes.containsKey("meter-alerts")) {
                    say(
                            "  alert state per meter (meter-alerts keyed state / meters): %.0f bytes; per transformer area (area-balance): %.0f bytes",
                            (double) sizes.get("meter-alerts") / meters,
                            (double) sizes.getOrDefault("area-balance", 0L) / (meters / 50.0));
                }
                if (tariffs) {
                    say(
                            "  tariff state per customer (shadow-bills keyed state / customers): %.0f bytes",
                            (double) sizes.getOrDefault("shadow-bills", 0L) / meters);
                }
            }
            reconcile(influxUrl, runDb, total);
            return t;
        }
    }

    /** Readings produced against those the run counted into InfluxDB (class level, 15 minutes); the run's database is then dropped. */
    private static void reconcile(String influxUrl, String db, long total) throws Exception {
        String sum =
                influxQl(influxUrl, db, "SELECT sum(readings) FROM load WHERE level = 'class' AND interval = '15m'");
        say(
                "  reconciliation: readings produced %,d; sum of class-level 15m readings in InfluxDB: %s",
                total, sum.replaceAll("(?s).*\"values\":\\[\\[[^,]*,([0-9]+)\\]\\].*", "$1"));
        influxQl(influxUrl, null, "DROP DATABASE \"" + db + "\"");
    }

    /** InfluxDB's own counters since it started: {write requests, points written}. */
    private static long[] influxWrites(String influxUrl) throws Exception {
        String stats = influxQl(influxUrl, null, "SHOW STATS FOR 'httpd'");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "\"columns\":\\[([^\\]]*)\\],\"values\":\\[\\[([^\\]]*)\\]")
                .matcher(stats);
        if (!m.find()) {
            return new long[] {0, 0};
        }
        List<String> columns = List.of(m.group(1).replace("\"", "").split(","));
        String[] values = m.group(2).split(",");
        return new long[] {
            Long.parseLong(values[columns.indexOf("writeReq")]),
            Long.parseLong(values[columns.indexOf("pointsWrittenOK")])
        };
    }

    /** The single number of a one-value InfluxQL answer. */
    private static String count(String answer) {
        return answer.replaceAll("(?s).*\"values\":\\[\\[([0-9]+)\\]\\].*", "$1");
    }

    /** The count of a one-row {@code SELECT count(..)} answer (0 when there is no point). */
    private static String counted(String answer) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"values\":\\[\\[[^,]*,([0-9]+)\\]")
                .matcher(answer);
        return m.find() ? String.format("%,d", Long.parseLong(m.group(1))) : "0";
    }

    /** The counts of a {@code SELECT count(..) GROUP BY tag} answer, as "value n, ...". */
    private static String byTag(String answer, String tag) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "\"" + tag + "\":\"([^\"]*)\"\\}.*?\"values\":\\[\\[[^,]*,([0-9]+)\\]")
                .matcher(answer);
        List<String> out = new java.util.ArrayList<>();
        while (m.find()) {
            out.add(String.format("%s %,d", m.group(1), Long.parseLong(m.group(2))));
        }
        return out.isEmpty() ? "0" : String.join(", ", out);
    }

    private static String influxQl(String influxUrl, String db, String q) throws Exception {
        return http(
                influxUrl + "/query" + (db == null ? "" : "?db=" + db),
                "q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
    }

    /**
     * Customers on the sample catalogue's plans, by class: households on annual tiers (every other
     * one with time of use), shops on Hubei's low-voltage plan, factories two-part on maximum
     * demand; readings carry kvar (power factor 0.93), which the power-factor rules need.
     */
    private static void prefill(
            String bootstrap,
            String topic,
            String registryTopic,
            String tariffsTopic,
            int meters,
            int perMeter,
            long periodMs,
            long t0)
            throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        ReadingCodec codec = new ReadingCodec();
        RegistryCodec registry = new RegistryCodec();
        double[] register = new double[meters];
        byte[][] keys = new byte[meters][];
        try (KafkaProducer<byte[], byte[]> kafka = new KafkaProducer<>(p)) {
            for (int m = 0; m < meters; m++) {
                String id = String.format("B%06d", m);
                keys[m] = id.getBytes(StandardCharsets.UTF_8);
                String cls = CLASSES[m % CLASSES.length];
                int transformer = m / 50;
                String plan = switch (cls) {
                    case "industrial" -> "hb-ic-10kv-2part";
                    case "commercial" -> "hb-ic-lv-tou";
                    default -> m % 2 == 0 ? "zj-res-tier" : "zj-res-tier-tou";
                };
                RegistryEntry e = new RegistryEntry(
                                id,
                                "C" + id.substring(1),
                                cls,
                                "T" + transformer,
                                "F" + transformer / 10,
                                "R" + transformer / 100,
                                plan,
                                cls.equals("industrial") ? 315 : 10,
                                630,
                                230,
                                cls.equals("industrial") ? 3 : 1)
                        .withBilling(
                                cls.equals("industrial") ? "1-10kV" : "lv",
                                cls.equals("industrial") ? "demand" : null,
                                null);
                kafka.send(new ProducerRecord<>(registryTopic, keys[m], registry.encode(e)));
                register[m] = 1000 + m % 5000;
            }
            for (Map.Entry<String, byte[]> plan : io.kilowatch.model.tariff.TariffCatalogue.sample()
                    .wireValues()
                    .entrySet()) {
                kafka.send(new ProducerRecord<>(
                        tariffsTopic, plan.getKey().getBytes(StandardCharsets.UTF_8), plan.getValue()));
            }
            kafka.flush();
            for (int k = 0; k < perMeter; k++) {
                long ts = t0 + k * periodMs;
                for (int m = 0; m < meters; m++) {
                    double kw = 0.3 + ((m * 31 + k * 7) % 40) / 10.0;
                    Reading base = Reading.of(new String(keys[m], StandardCharsets.UTF_8), ts, kw)
                            .withImportKwh(Math.round(register[m] * 1000) / 1000.0);
                    Reading r = new Reading(
                            base.meterId(),
                            ts,
                            kw,
                            base.importKwh(),
                            null,
                            Math.round(kw * 395) / 1000.0,
                            null,
                            null,
                            null);
                    register[m] += kw * periodMs / 3_600_000.0;
                    kafka.send(new ProducerRecord<>(topic, keys[m], codec.encode(r)));
                }
            }
        }
    }

    private static void fullJob(JobConfig c, int parallelism, Path checkpoints) throws Exception {
        Configuration conf = FlinkSetup.stateConfiguration(c);
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(5_000);
        LoadCurveJob.fromConfig(c).execute(env);
    }

    /** Reads each checkpoint's metadata as it completes and keeps the per-operator state sizes of the one with the most per-meter state. */
    private static Thread watchCheckpoints(Path dir, AtomicReference<Map<String, Long>> sizes) {
        Map<OperatorID, String> names = new HashMap<>();
        for (String uid : List.of(
                "meter-intervals",
                "cell-minutes",
                "cell-quarters",
                "level-roll-up",
                "count-late",
                "readings-source",
                "registry-source",
                "influx-sink",
                "late-sink",
                "shadow-bills",
                "revenue-roll-up",
                "tariffs-source",
                "tariffs-influx-sink",
                "hints-kafka-sink",
                "to-alert-samples",
                "meter-alerts",
                "area-balance",
                "heartbeats",
                "pipeline-watch",
                "alerts-kafka-sink",
                "alerts-influx-sink")) {
            names.put(
                    new OperatorID(Hashing.murmur3_128(0)
                            .newHasher()
                            .putString(uid, StandardCharsets.UTF_8)
                            .hash()
                            .asBytes()),
                    uid);
        }
        Thread t = new Thread(
                () -> {
                    java.util.Set<Path> seen = new java.util.HashSet<>();
                    while (!Thread.currentThread().isInterrupted()) {
                        try (Stream<Path> files = Files.walk(dir)) {
                            Optional<Path> newest = files.filter(
                                            f -> f.getFileName().toString().equals("_metadata"))
                                    .filter(f -> !seen.contains(f))
                                    .max(Comparator.comparing(Path::toString));
                            if (newest.isPresent()) {
                                seen.add(newest.get());
                                // The largest: the final checkpoint,
                                // after the end of input fired every timer, holds almost nothing.
                                Map<String, Long> now = stateSizes(newest.get(), names);
                                Map<String, Long> best = sizes.get();
                                if (best == null
                                        || now.getOrDefault("meter-intervals", 0L)
                                                > best.getOrDefault("meter-intervals", 0L)) {
                                    sizes.set(now);
                                }
                            }
                            Thread.sleep(500);
                        } catch (InterruptedException e) {
                            return;
                        } catch (IOException | RuntimeException e) {
                            // a checkpoint being written or deleted: look again
                        }
                    }
                },
                "checkpoint-watcher");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static Map<String, Long> stateSizes(Path metadata, Map<OperatorID, String> names) throws IOException {
        CheckpointMetadata m;
        try (InputStream in = Files.newInputStream(metadata)) {
            m = Checkpoints.loadCheckpointMetadata(
                    new DataInputStream(in), LoadCurveBenchmark.class.getClassLoader(), metadata.toString());
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (OperatorState op : m.getOperatorStates()) {
            long keyed = 0;
            long all = 0;
            for (OperatorSubtaskState s : op.getStates()) {
                keyed += s.getManagedKeyedState().getStateSize();
                all += s.getStateSize();
            }
            String name =
                    names.getOrDefault(op.getOperatorID(), op.getOperatorID().toString());
            out.put(
                    name,
                    name.equals("meter-intervals") || name.equals("shadow-bills") || name.equals("meter-alerts")
                            ? keyed
                            : all);
            if (name.equals("meter-intervals")) {
                // Operator state: each subtask's copy of the registry (broadcast state).
                out.put("meter-intervals operator state", all - keyed);
            }
        }
        return out;
    }

    /**
     * Tasks the load-curve job runs the same with and without its tariff stage: the Kafka
     * source and its decoding, the cells' minutes, the roll-ups and the load lines. Their CPU a
     * reading moved by up to ±38 % between two runs of a pair on this shared machine (k1–m3 in
     * docs/benchmarks.md), and every task of a run with it: the machine's speed, measured in the
     * run itself.
     */
    static final List<String> SHARED_TASKS = List.of("Source: readings", "cells' minutes", "roll-ups", "load lines");

    /**
     * A pair's figures: the stage's throughput over the load curves', its machine CPU a reading
     * over theirs − 1, and the throughput ratio at one machine speed ({@link Timing#throughputRatioAtSpeedOf}).
     */
    record PairRatios(double throughput, double machineCpu, double atOneMachineSpeed) {
        /** The mean of one of the figures over {@code pairs}, in %. */
        static double mean(List<PairRatios> pairs, java.util.function.ToDoubleFunction<PairRatios> figure) {
            return 100 * pairs.stream().mapToDouble(figure).average().orElseThrow();
        }

        /** Each pair's value of one of the figures: "[83.9%, 78.9%]". */
        static List<String> each(List<PairRatios> pairs, java.util.function.ToDoubleFunction<PairRatios> figure) {
            return pairs.stream()
                    .map(p -> String.format("%.1f%%", 100 * figure.applyAsDouble(p)))
                    .toList();
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    /**
     * Wall-clock seconds, and CPU seconds of this JVM (the job) and of the whole machine (the job,
     * Kafka and InfluxDB, which share its cores). Where the machine is busy all through a run
     * ({@link #coresBusy}), its CPU per reading is its cores × the run's time: the rate again,
     * not a second measure; the job's and InfluxDB's shares say who had the cores.
     */
    record Timing(
            double seconds,
            double jvmCpuSeconds,
            double machineCpuSeconds,
            double influxCpuSeconds,
            double kafkaCpuSeconds,
            double gcPauseSeconds,
            Map<String, Double> tasks,
            Map<String, Double> allocated,
            double influxAfterSeconds) {
        Timing withInfluxAfter(double seconds) {
            return new Timing(
                    this.seconds,
                    jvmCpuSeconds,
                    machineCpuSeconds,
                    influxCpuSeconds,
                    kafkaCpuSeconds,
                    gcPauseSeconds,
                    tasks,
                    allocated,
                    seconds);
        }

        String perReading(long readings) {
            return String.format(
                    "CPU per reading: %.2f µs in the job's JVM, %.2f µs on the machine (job, Kafka, InfluxDB);"
                            + " of which InfluxDB %.2f µs (and %.2f µs after the job ended), Kafka %.2f µs; GC pauses %.2f µs, %,.0f bytes allocated",
                    jvmCpuSeconds * 1e6 / readings,
                    machineCpuSeconds * 1e6 / readings,
                    influxCpuSeconds * 1e6 / readings,
                    influxAfterSeconds * 1e6 / readings,
                    kafkaCpuSeconds * 1e6 / readings,
                    gcPauseSeconds * 1e6 / readings,
                    allocated.values().stream().mapToDouble(Double::doubleValue).sum() / readings);
        }

        /** How many of the machine's cores were busy on average over the run, and whose they were. */
        String coresBusy() {
            return String.format(
                    "cores busy: %.2f of %d (the job %.2f, InfluxDB %.2f, Kafka %.2f)",
                    machineCpuSeconds / seconds,
                    Runtime.getRuntime().availableProcessors(),
                    jvmCpuSeconds / seconds,
                    influxCpuSeconds / seconds,
                    kafkaCpuSeconds / seconds);
        }

        /** The job's CPU and heap bytes allocated per reading by task (each a chain of operators), those above 0.05 µs. */
        List<String> perTask(long readings) {
            List<String> out = new java.util.ArrayList<>();
            tasks.forEach((task, s) -> {
                if (s * 1e6 / readings >= 0.05) {
                    out.add(String.format(
                            "%6.2f µs %6.0f B  %s",
                            s * 1e6 / readings, allocated.getOrDefault(task, 0.0) / readings, task));
                }
            });
            return out;
        }

        /** CPU seconds of the tasks both arms run alike ({@link #SHARED_TASKS}). */
        double sharedTaskSeconds() {
            return tasks.entrySet().stream()
                    .filter(e -> SHARED_TASKS.stream().anyMatch(e.getKey()::startsWith))
                    .mapToDouble(Map.Entry::getValue)
                    .sum();
        }

        /**
         * This run's throughput over {@code other}'s, both measured at {@code other}'s machine
         * speed: the ratio times how much more CPU a reading the shared tasks took here. Where
         * the job has the cores all through (the default shape does), a run on a machine slower
         * by k takes k times as long for the same work.
         */
        double throughputRatioAtSpeedOf(Timing other) {
            return (other.seconds / seconds) * (sharedTaskSeconds() / other.sharedTaskSeconds());
        }

        /** CPU seconds of the tasks whose name contains {@code part}. */
        double taskSeconds(String part) {
            return tasks.entrySet().stream()
                    .filter(e -> e.getKey().contains(part))
                    .mapToDouble(Map.Entry::getValue)
                    .sum();
        }
    }

    private static Timing timed(Body b) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        double machine = machineBusySeconds();
        double influx = processCpuSeconds("influxd");
        double kafka = processCpuSeconds("kafka.Kafka");
        double gc = gcPauseSeconds();
        try (TaskCpu tasks = new TaskCpu()) {
            long start = System.nanoTime();
            b.run();
            return new Timing(
                    (System.nanoTime() - start) / 1e9,
                    (os.getProcessCpuTime() - cpu) / 1e9,
                    machineBusySeconds() - machine,
                    processCpuSeconds("influxd") - influx,
                    processCpuSeconds("kafka.Kafka") - kafka,
                    gcPauseSeconds() - gc,
                    tasks.byTask(),
                    tasks.allocatedByTask(),
                    0);
        }
    }

    /**
     * Gives a run the start the one before it had: the previous job's state collected (it is
     * garbage in the old generation, which a run's marking and mixed collections would otherwise
     * pay for), and InfluxDB and Kafka idle again (their compactions of the previous run's points
     * and the dropping of its database would otherwise land in this run's time and CPU). Waits
     * until they used under 5 % of a core for two seconds running, at most 120 s; returns the seconds waited.
     */
    static double settle() throws InterruptedException {
        long start = System.nanoTime();
        System.gc();
        long deadline = start + 120_000_000_000L;
        double last = processCpuSeconds("influxd") + processCpuSeconds("kafka.Kafka");
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() < deadline) {
            Thread.sleep(1_000);
            double now = processCpuSeconds("influxd") + processCpuSeconds("kafka.Kafka");
            quiet = now - last < 0.05 ? quiet + 1 : 0;
            last = now;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Time the JVM's collectors report for their collections (G1: the pauses, not its concurrent work). */
    static double gcPauseSeconds() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime)
                        .filter(t -> t > 0)
                        .sum()
                / 1e3;
    }

    /**
     * CPU time (user + system) of the processes whose command line holds {@code marker} (the
     * stack's InfluxDB, its Kafka brokers), from /proc; NaN where there is none.
     */
    static double processCpuSeconds(String marker) {
        double sum = 0;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                if (!d.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmd = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (!cmd.contains(marker) || cmd.contains("LoadCurveBenchmark")) {
                        continue;
                    }
                    String stat = Files.readString(d.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    sum += (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime, stime in USER_HZ
                } catch (IOException | RuntimeException e) {
                    // the process ended while it was read
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        }
        return sum;
    }

    /** Busy CPU time of all cores since boot, from /proc/stat (user, nice, system, irq, softirq, steal); NaN where there is none. */
    private static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy / 100.0; // USER_HZ
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The benchmark's InfluxDB account: it makes and drops a database per run, so an administrator. */
    private static final io.kilowatch.model.InfluxLogin LOGIN =
            io.kilowatch.model.InfluxLogin.fromEnvironment(System.getenv());

    private static String http(String url, String form) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        LOGIN.apply(HttpRequest.newBuilder(URI.create(url)))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString(form))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    private static String env(String key, String fallback) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static void say(String format, Object... args) {
        System.out.println(String.format(format, args));
        System.out.flush();
    }
}

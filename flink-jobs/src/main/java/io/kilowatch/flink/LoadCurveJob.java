package io.kilowatch.flink;

import io.kilowatch.flink.curves.CellRollUp;
import io.kilowatch.flink.curves.CountLate;
import io.kilowatch.flink.curves.CurveRules;
import io.kilowatch.flink.curves.LevelRollUp;
import io.kilowatch.flink.curves.MeterIntervals;
import io.kilowatch.flink.functions.KeepEventTimeRange;
import io.kilowatch.flink.functions.KeepWholeDays;
import io.kilowatch.flink.influx.InfluxSink;
import io.kilowatch.flink.influx.LineProtocol;
import io.kilowatch.flink.io.LateReadingSerializationSchema;
import io.kilowatch.flink.io.ReadingDeserializationSchema;
import io.kilowatch.flink.io.RegistryDeserializationSchema;
import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.EventTimeRange;
import io.kilowatch.flink.records.LateReading;
import io.kilowatch.flink.records.LoadDelta;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.flink.records.MeterSample;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.model.Reading;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Load curves: kw.readings → per meter (keyed, with the registry as broadcast state): dedup by
 * (meterId, ts), 1- and 15-minute intervals, register energy, gap filling, daily KPIs → roll-ups
 * to transformer, feeder, region and customer class → {@code load}, {@code daily_kpi} and
 * {@code pipeline} points in InfluxDB. Readings too late for their interval go to kw.late.
 *
 * <p>The job takes its sources and sinks in the constructor; {@link #main} passes the production
 * ones (Kafka, InfluxDB) and tests pass their own to the same {@link #build}.
 */
public class LoadCurveJob {

    /**
     * Rules of the pipeline; see docs/decisions.md for why the defaults are what they are. A
     * late reading within {@code allowedLateness} of its interval updates the closed interval (the
     * point is written again and overwritten in InfluxDB); later than that goes to kw.late.
     * Duplicates are recognised for as long as their interval is kept, which is that long too.
     */
    public record Params(Duration outOfOrderness, Duration idleness, Duration allowedLateness1m, Duration allowedLateness15m,
                         CurveRules rules) implements Serializable {
        public Params {
            if (allowedLateness1m.compareTo(allowedLateness15m) > 0) {
                throw new IllegalArgumentException("time.allowed-lateness.1m (" + allowedLateness1m
                        + ") must not exceed time.allowed-lateness.15m (" + allowedLateness15m
                        + "): the 15-minute interval holds the dedup memory of the minutes inside it");
            }
        }

        /** Without lateness: a reading later than the watermark goes to kw.late (tests of on-time behaviour). */
        public static Params onTimeOnly(Duration outOfOrderness, Duration idleness) {
            return new Params(outOfOrderness, idleness, Duration.ZERO, Duration.ZERO, CurveRules.defaults());
        }

        public Params withRules(CurveRules r) {
            return new Params(outOfOrderness, idleness, allowedLateness1m, allowedLateness15m, r);
        }
    }

    private final Source<Reading, ?, ?> source;
    private final Source<RegistryUpdate, ?, ?> registry;
    private final Sink<String> influx;
    private final Sink<LateReading> lateSink;
    private final Params params;
    private final EventTimeRange range;
    private final UnaryOperator<DataStream<Reading>> afterSource;
    private final AlertJob alerts;

    /**
     * @param influx receives line protocol: {@code load}, {@code daily_kpi} and {@code pipeline} points
     */
    public LoadCurveJob(Source<Reading, ?, ?> source, Source<RegistryUpdate, ?, ?> registry, Sink<String> influx,
                        Sink<LateReading> lateSink, Params params) {
        this(source, registry, influx, lateSink, params, null, UnaryOperator.identity(), null);
    }

    private LoadCurveJob(Source<Reading, ?, ?> source, Source<RegistryUpdate, ?, ?> registry, Sink<String> influx,
                         Sink<LateReading> lateSink, Params params, EventTimeRange range, UnaryOperator<DataStream<Reading>> afterSource,
                         AlertJob alerts) {
        this.source = source;
        this.registry = registry;
        this.influx = influx;
        this.lateSink = lateSink;
        this.params = params;
        this.range = range;
        this.afterSource = afterSource;
        this.alerts = alerts;
    }

    /** The same pipeline counting only readings in {@code range}: a backfill. */
    public LoadCurveJob restrictedTo(EventTimeRange range) {
        return new LoadCurveJob(source, registry, influx, lateSink, params, range, afterSource, alerts);
    }

    /** Also runs the alert rules of {@code alertJob} (its sinks, not its sources) on this job's readings and registry. */
    public LoadCurveJob withAlerts(AlertJob alertJob) {
        return new LoadCurveJob(source, registry, influx, lateSink, params, range, afterSource, alertJob);
    }

    /** Inserts operators right after the source, e.g. a fault a recovery test injects. */
    public LoadCurveJob withAfterSource(UnaryOperator<DataStream<Reading>> operators) {
        return new LoadCurveJob(source, registry, influx, lateSink, params, range, operators, alerts);
    }

    /** What the pipeline computes, before the sinks: tests collect from these. */
    public record Curves(DataStream<LoadPoint> points, DataStream<DailyKpi> kpis, DataStream<LateReading> late) {}

    /** Adds the pipeline with its sinks to {@code env}. */
    public Curves build(StreamExecutionEnvironment env) {
        DataStream<Reading> fromSource = afterSource.apply(readingsIn(env, source, params.outOfOrderness(), params.idleness(),
                "readings-source"));
        if (range != null) {
            fromSource = fromSource.filter(new KeepEventTimeRange(range)).name("keep " + range.from() + " .. " + range.to());
        }
        DataStream<MeterSample> samples = fromSource.map(MeterSample::of).name("to samples").uid("to-samples");

        BroadcastStream<RegistryUpdate> registryState = registryIn(env, registry, "registry-source");
        if (alerts != null) {
            alerts.build(fromSource, registryState);
        }

        SingleOutputStreamOperator<LoadPoint> meters = samples
                .keyBy(MeterSample::meterId)
                .connect(registryState)
                .process(new MeterIntervals(params.allowedLateness1m(), params.allowedLateness15m(), params.rules()))
                .name("meter intervals")
                .uid("meter-intervals");
        SingleOutputStreamOperator<LoadDelta> cells = meters.getSideOutput(MeterIntervals.DELTAS)
                .keyBy(LoadDelta::key)
                .process(new CellRollUp(params.allowedLateness1m()))
                .name("transformer × class cells")
                .uid("cell-roll-up");
        SingleOutputStreamOperator<LoadPoint> aggregates = cells
                .keyBy(LoadDelta::key)
                .process(new LevelRollUp(params.allowedLateness1m(), params.allowedLateness15m(), params.rules()))
                .name("roll-ups")
                .uid("level-roll-up");

        DataStream<LoadPoint> points = meters.union(cells.getSideOutput(CellRollUp.METER_POINTS), aggregates);
        DataStream<DailyKpi> kpis = meters.getSideOutput(MeterIntervals.KPIS).union(aggregates.getSideOutput(LevelRollUp.KPIS));
        if (range != null) {
            // A backfill sees only part of the days at its edges; their KPIs would be partial.
            kpis = kpis.filter(new KeepWholeDays(range)).name("whole days only");
        }
        DataStream<LateReading> late = meters.getSideOutput(MeterIntervals.LATE);

        DataStream<String> lines = points.map(LineProtocol::load).name("load lines")
                .union(kpis.map(LineProtocol::dailyKpi).name("daily_kpi lines"))
                .union(late.keyBy(LateReading::interval).process(new CountLate()).name("count late").uid("count-late")
                        .map(LineProtocol::pipeline).name("pipeline lines"));
        lines.sinkTo(influx).name("influxdb").uid("influx-sink");
        late.sinkTo(lateSink).name("late readings").uid("late-sink");
        return new Curves(points, kpis, late);
    }

    /**
     * Readings with their event time, as every job reads them. They arrive out of order:
     * per-meter MQTT messages are a few seconds apart, and the bridge spreads meters over
     * partitions. The bound is how long an interval (or an alert rule) waits for them; idleness
     * keeps a quiet partition from holding event time back for everyone.
     */
    static DataStream<Reading> readingsIn(StreamExecutionEnvironment env, Source<Reading, ?, ?> source, Duration outOfOrderness,
                                          Duration idleness, String uid) {
        WatermarkStrategy<Reading> eventTime = WatermarkStrategy
                .<Reading>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((reading, kafkaTs) -> reading.ts())
                .withIdleness(idleness);
        return env.fromSource(source, eventTime, "readings").uid(uid);
    }

    /** The registry as broadcast state, with the event time of {@link #registryWatermarks}. */
    static BroadcastStream<RegistryUpdate> registryIn(StreamExecutionEnvironment env, Source<RegistryUpdate, ?, ?> registry, String uid) {
        return env.fromSource(registry, registryWatermarks(registry), "registry").uid(uid).broadcast(MeterIntervals.REGISTRY);
    }

    /**
     * Event time of the registry input. Reference data has no event time. A live registry (the
     * compacted topic, never ending) is idle for good, so the readings alone move event time and
     * a pause in the readings does not let the registry move it; which readings come before the
     * registry on a cold start is then a matter of timing (docs/decisions.md). A bounded registry
     * (backfill, replay, tests) sends no watermark until it has been read to its end: event time
     * waits for the whole registry, so every reading is judged with it.
     */
    static WatermarkStrategy<RegistryUpdate> registryWatermarks(Source<RegistryUpdate, ?, ?> registry) {
        return registry.getBoundedness() == org.apache.flink.api.connector.source.Boundedness.BOUNDED
                ? WatermarkStrategy.noWatermarks()
                : WatermarkStrategy.forGenerator(ctx -> new AlwaysIdle<>());
    }

    /**
     * A watermark generator for reference data: declares its input idle, so the operator that
     * joins it takes event time from the other input only. A "no watermark" input would hold
     * event time at its start; a "maximum watermark" input would close every interval the
     * moment the readings pause.
     */
    static final class AlwaysIdle<T> implements WatermarkGenerator<T> {
        @Override
        public void onEvent(T event, long eventTimestamp, WatermarkOutput output) {}

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.markIdle();
        }
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute(range != null ? "kilowatch load curves backfill " + range.from() + " .. " + range.to()
                : alerts != null ? "kilowatch load curves and alerts" : "kilowatch load curves");
    }

    /** Settings every environment of this job gets, production and tests alike. */
    public static Configuration baseConfiguration() {
        Configuration c = new Configuration();
        // Every record type must have a real Flink serializer; a Kryo fallback is a bug to fix.
        c.set(PipelineOptions.GENERIC_TYPES, false);
        // Every record type is an immutable record and no function keeps or changes its input,
        // so chained operators may hand records on instead of copying each one (a reflective
        // copy of every reading between the source and the slimming map otherwise).
        c.set(PipelineOptions.OBJECT_REUSE, true);
        return c;
    }

    /**
     * {@link #baseConfiguration()} plus where state lives: on the heap (hashmap, the default: fast,
     * bounded by memory) or in RocksDB on local disk (fleets whose state outgrows the heap).
     */
    public static Configuration stateConfiguration(JobConfig c) {
        Configuration conf = baseConfiguration();
        conf.set(StateBackendOptions.STATE_BACKEND, c.stateBackend());
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, c.checkpointDir());
        return conf;
    }

    // ------------------------------------------------------------------ production wiring

    public static KafkaSource<Reading> kafkaSource(JobConfig c) {
        return kafkaSource(c, c.consumerGroup());
    }

    /** kw.readings for a job that reads them as consumer group {@code group} (each job its own). */
    public static KafkaSource<Reading> kafkaSource(JobConfig c, String group) {
        KafkaSourceBuilder<Reading> b = KafkaSource.<Reading>builder()
                .setBootstrapServers(c.kafkaBootstrapServers())
                .setTopics(c.readingsTopic())
                .setValueOnlyDeserializer(new ReadingDeserializationSchema());
        if (c.isBackfill()) {
            // Kafka's timestamps are ingest time, which is never earlier than event time minus
            // the bridge's allowed clock skew: start a slack before the range, read to the end.
            b.setGroupId(group + "-backfill")
                    .setStartingOffsets(OffsetsInitializer.timestamp(c.backfill().from().minus(c.backfillSlack()).toEpochMilli()))
                    .setBounded(OffsetsInitializer.latest())
                    .setProperty("commit.offsets.on.checkpoint", "false");
        } else {
            b.setGroupId(group)
                    .setStartingOffsets(switch (c.startFrom()) {
                        case "earliest" -> OffsetsInitializer.earliest();
                        case "latest" -> OffsetsInitializer.latest();
                        default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                    })
                    .setProperty("commit.offsets.on.checkpoint", "true");
            if (c.bounded()) {
                b.setBounded(OffsetsInitializer.latest());
            }
        }
        Properties extra = new Properties();
        extra.putAll(c.kafkaClient());
        b.setProperties(extra);
        return b.build();
    }

    public static Sink<String> influxSink(JobConfig c) {
        return new InfluxSink<String>((line, ctx) -> line, c.influx());
    }

    /**
     * kw.registry from its beginning (it is compacted: the beginning is the current registry) on
     * every start without a checkpoint; from the checkpoint otherwise. Bounded when the readings
     * are, or a bounded job would never finish.
     */
    public static KafkaSource<RegistryUpdate> registrySource(JobConfig c) {
        return registrySource(c, c.consumerGroup());
    }

    public static KafkaSource<RegistryUpdate> registrySource(JobConfig c, String group) {
        KafkaSourceBuilder<RegistryUpdate> b = KafkaSource.<RegistryUpdate>builder()
                .setBootstrapServers(c.kafkaBootstrapServers())
                .setTopics(c.registryTopic())
                .setGroupId(group + "-registry")
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(new RegistryDeserializationSchema())
                .setProperty("commit.offsets.on.checkpoint", "false");
        if (c.bounded() || c.isBackfill()) {
            b.setBounded(OffsetsInitializer.latest());
        }
        Properties extra = new Properties();
        extra.putAll(c.kafkaClient());
        b.setProperties(extra);
        return b.build();
    }

    /** A registry that knows no meter: every meter is curved and counted as unregistered. */
    public static Source<RegistryUpdate, ?, ?> emptyRegistry() {
        // One tombstone for no meter: a generator of zero elements still asks for the first one.
        return new DataGeneratorSource<>(i -> new RegistryUpdate("", null), 1, TypeInformation.of(RegistryUpdate.class));
    }

    public static Sink<LateReading> lateSink(JobConfig c) {
        return kafkaSink(c, new LateReadingSerializationSchema(c.lateTopic()));
    }

    /** An at-least-once Kafka sink with the configured client settings; every job's Kafka output. */
    public static <T> Sink<T> kafkaSink(JobConfig c, org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema<T> records) {
        Properties extra = new Properties();
        extra.putAll(c.kafkaClient());
        return KafkaSink.<T>builder()
                .setBootstrapServers(c.kafkaBootstrapServers())
                .setKafkaProducerConfig(extra)
                .setRecordSerializer(records)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    /**
     * {@code java -jar kilowatch-flink-jobs-standalone.jar [--config FILE] [--backfill FROM TO]},
     * or submitted to a cluster. With {@code --backfill} (ISO instants on 15-minute boundaries)
     * the job recomputes that event-time range from kw.readings, overwrites its points and stops.
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        String file = env.get("KW_FLINK_CONFIG");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> file = args[++i];
                case "--backfill" -> {
                    env.put("KW_BACKFILL_FROM", args[++i]);
                    env.put("KW_BACKFILL_TO", args[++i]);
                }
                default -> throw new IllegalArgumentException("usage: [--config FILE] [--backfill FROM TO]; unknown " + args[i]);
            }
        }
        JobConfig c = JobConfig.load(file == null ? null : Path.of(file), env);
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment(stateConfiguration(c));
        flink.enableCheckpointing(c.checkpointInterval().toMillis());
        if (c.parallelism() > 0) {
            flink.setParallelism(c.parallelism());
        }
        fromConfig(c).execute(flink);
    }

    /** The production job for a configuration: live, or a backfill of {@code backfill.from .. to}. */
    public static LoadCurveJob fromConfig(JobConfig c) {
        if (c.isBackfill()) {
            // Late readings of the range were reported to kw.late by the live job already.
            return new LoadCurveJob(kafkaSource(c), registrySource(c), influxSink(c), new DiscardingSink<>(), c.params())
                    .restrictedTo(c.backfill());
        }
        LoadCurveJob job = new LoadCurveJob(kafkaSource(c), registrySource(c), influxSink(c), lateSink(c), c.params());
        return c.alertsWithLoadCurves() ? job.withAlerts(AlertJob.withoutSources(c)) : job;
    }
}

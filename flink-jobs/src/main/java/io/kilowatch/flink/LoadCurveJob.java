package io.kilowatch.flink;

import io.kilowatch.flink.functions.DropDuplicateReadings;
import io.kilowatch.flink.functions.EmitMeterLoad;
import io.kilowatch.flink.functions.KeepEventTimeRange;
import io.kilowatch.flink.functions.SumMeterLoad;
import io.kilowatch.flink.functions.TagLateReading;
import io.kilowatch.flink.influx.InfluxSink;
import io.kilowatch.flink.influx.LineProtocol;
import io.kilowatch.flink.io.LateReadingSerializationSchema;
import io.kilowatch.flink.io.ReadingDeserializationSchema;
import io.kilowatch.flink.records.EventTimeRange;
import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.LateReading;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.model.Reading;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Load curves: kw.readings → dedup by (meterId, ts) → 1-minute and 15-minute event-time windows
 * per meter → {@code load} points in InfluxDB. Readings too late for a window go to kw.late.
 *
 * <p>The job takes its source and sinks in the constructor; {@link #main} passes the production
 * ones (Kafka, InfluxDB) and tests pass their own to the same {@link #build}.
 */
public class LoadCurveJob {

    /**
     * Time rules of the pipeline; see docs/decisions.md for why the defaults are what they are.
     * A late reading within {@code allowedLateness} of its interval updates the closed window (the
     * point is written again and overwritten in InfluxDB); later than that goes to kw.late.
     */
    public record Params(Duration outOfOrderness, Duration idleness, Duration dedupRetention,
                         Duration allowedLateness1m, Duration allowedLateness15m) implements Serializable {
        public Params {
            Duration longest = allowedLateness1m.compareTo(allowedLateness15m) > 0 ? allowedLateness1m : allowedLateness15m;
            if (dedupRetention.compareTo(longest.plus(outOfOrderness).plus(Interval.FIFTEEN_MINUTES.length())) < 0) {
                throw new IllegalArgumentException("dedup.retention (" + dedupRetention + ") must cover the allowed lateness ("
                        + longest + ") plus out-of-orderness and an interval, or a late copy would be counted twice");
            }
        }

        /** Without lateness: a reading later than the watermark goes to kw.late (tests of on-time behaviour). */
        public static Params onTimeOnly(Duration outOfOrderness, Duration idleness, Duration dedupRetention) {
            return new Params(outOfOrderness, idleness, dedupRetention, Duration.ZERO, Duration.ZERO);
        }

        public Duration allowedLateness(Interval interval) {
            return interval == Interval.ONE_MINUTE ? allowedLateness1m : allowedLateness15m;
        }
    }

    private final Source<Reading, ?, ?> source;
    private final Sink<LoadPoint> loadSink;
    private final Sink<LateReading> lateSink;
    private final Params params;
    private final EventTimeRange range;
    private final UnaryOperator<DataStream<Reading>> afterSource;

    public LoadCurveJob(Source<Reading, ?, ?> source, Sink<LoadPoint> loadSink, Sink<LateReading> lateSink, Params params) {
        this(source, loadSink, lateSink, params, null, UnaryOperator.identity());
    }

    private LoadCurveJob(Source<Reading, ?, ?> source, Sink<LoadPoint> loadSink, Sink<LateReading> lateSink, Params params,
                         EventTimeRange range, UnaryOperator<DataStream<Reading>> afterSource) {
        this.source = source;
        this.loadSink = loadSink;
        this.lateSink = lateSink;
        this.params = params;
        this.range = range;
        this.afterSource = afterSource;
    }

    /** The same pipeline counting only readings in {@code range}: a backfill. */
    public LoadCurveJob restrictedTo(EventTimeRange range) {
        return new LoadCurveJob(source, loadSink, lateSink, params, range, afterSource);
    }

    /** Inserts operators right after the source, e.g. a fault a recovery test injects. */
    public LoadCurveJob withAfterSource(UnaryOperator<DataStream<Reading>> operators) {
        return new LoadCurveJob(source, loadSink, lateSink, params, range, operators);
    }

    /** What the pipeline computes, before the sinks: tests collect from these. */
    public record Curves(DataStream<LoadPoint> points, DataStream<LateReading> late) {}

    /** Adds the pipeline with its sinks to {@code env}. */
    public Curves build(StreamExecutionEnvironment env) {
        // Readings arrive out of order: per-meter MQTT messages are a few seconds apart, and the
        // bridge spreads meters over partitions. The bound is how long a window waits for them;
        // idleness keeps a quiet partition from holding event time back for everyone.
        WatermarkStrategy<Reading> eventTime = WatermarkStrategy
                .<Reading>forBoundedOutOfOrderness(params.outOfOrderness())
                .withTimestampAssigner((reading, kafkaTs) -> reading.ts())
                .withIdleness(params.idleness());

        DataStream<Reading> fromSource = afterSource.apply(env.fromSource(source, eventTime, "readings").uid("readings-source"));
        if (range != null) {
            fromSource = fromSource.filter(new KeepEventTimeRange(range)).name("keep " + range.from() + " .. " + range.to());
        }
        DataStream<Reading> readings = fromSource
                .keyBy(Reading::meterId)
                .process(new DropDuplicateReadings(params.dedupRetention()))
                .name("drop duplicate (meterId, ts)")
                .uid("dedup");

        DataStream<LoadPoint> points = null;
        DataStream<LateReading> late = null;
        for (Interval interval : Interval.values()) {
            OutputTag<Reading> lateTag = new OutputTag<>("late-" + interval.tag(), readings.getType());
            SingleOutputStreamOperator<LoadPoint> curve = readings
                    .keyBy(Reading::meterId)
                    .window(TumblingEventTimeWindows.of(interval.length()))
                    .allowedLateness(params.allowedLateness(interval))
                    .sideOutputLateData(lateTag)
                    .aggregate(new SumMeterLoad(), new EmitMeterLoad(interval))
                    .name("meter load " + interval.tag())
                    .uid("meter-load-" + interval.tag());
            DataStream<LateReading> missed = curve.getSideOutput(lateTag)
                    .map(new TagLateReading(interval))
                    .name("late for " + interval.tag());
            points = points == null ? curve : points.union(curve);
            late = late == null ? missed : late.union(missed);
        }
        points.sinkTo(loadSink).name("influxdb load").uid("influx-load-sink");
        late.sinkTo(lateSink).name("late readings").uid("late-sink");
        return new Curves(points, late);
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute(range == null ? "kilowatch load curves" : "kilowatch load curves backfill " + range.from() + " .. " + range.to());
    }

    /** Settings every environment of this job gets, production and tests alike. */
    public static Configuration baseConfiguration() {
        Configuration c = new Configuration();
        // Every record type must have a real Flink serializer; a Kryo fallback is a bug to fix.
        c.set(PipelineOptions.GENERIC_TYPES, false);
        return c;
    }

    // ------------------------------------------------------------------ production wiring

    public static KafkaSource<Reading> kafkaSource(JobConfig c) {
        KafkaSourceBuilder<Reading> b = KafkaSource.<Reading>builder()
                .setBootstrapServers(c.kafkaBootstrapServers())
                .setTopics(c.readingsTopic())
                .setValueOnlyDeserializer(new ReadingDeserializationSchema());
        if (c.isBackfill()) {
            // Kafka's timestamps are ingest time, which is never earlier than event time minus
            // the bridge's allowed clock skew: start a slack before the range, read to the end.
            b.setGroupId(c.consumerGroup() + "-backfill")
                    .setStartingOffsets(OffsetsInitializer.timestamp(c.backfill().from().minus(c.backfillSlack()).toEpochMilli()))
                    .setBounded(OffsetsInitializer.latest())
                    .setProperty("commit.offsets.on.checkpoint", "false");
        } else {
            b.setGroupId(c.consumerGroup())
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

    public static Sink<LoadPoint> influxSink(JobConfig c) {
        return new InfluxSink<LoadPoint>((point, ctx) -> LineProtocol.load(point), c.influx());
    }

    public static Sink<LateReading> lateSink(JobConfig c) {
        Properties extra = new Properties();
        extra.putAll(c.kafkaClient());
        return KafkaSink.<LateReading>builder()
                .setBootstrapServers(c.kafkaBootstrapServers())
                .setKafkaProducerConfig(extra)
                .setRecordSerializer(new LateReadingSerializationSchema(c.lateTopic()))
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
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment(baseConfiguration());
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
            return new LoadCurveJob(kafkaSource(c), influxSink(c), new DiscardingSink<>(), c.params()).restrictedTo(c.backfill());
        }
        return new LoadCurveJob(kafkaSource(c), influxSink(c), lateSink(c), c.params());
    }
}

package io.kilowatch.flink;

import io.kilowatch.flink.alerts.AlertRules;
import io.kilowatch.flink.alerts.AlertSample;
import io.kilowatch.flink.alerts.AreaBalance;
import io.kilowatch.flink.alerts.AreaEnergy;
import io.kilowatch.flink.alerts.MeterAlerts;
import io.kilowatch.flink.influx.LineProtocol;
import io.kilowatch.flink.io.AlertSerializationSchema;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.model.Alert;
import io.kilowatch.model.Reading;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Anomaly alerts: kw.readings → per meter (keyed, the registry as broadcast state), in event-time
 * order: over capacity, voltage sag/swell, low power factor, spikes, tamper, suspected theft,
 * offline, and transformer overload from each transformer's area meter → per transformer area:
 * excess line loss → OPEN/RESOLVED transitions to kw.alerts (the ingest relays customers' own to
 * them over MQTT) and to InfluxDB's {@code alerts}. docs/alerts.md has the rules.
 *
 * <p>By default its own job and consumer group beside the load curves: either can be restarted,
 * scaled or replayed without the other. With {@code alerts.with-load-curves} the load-curve job
 * runs the same rules on the readings it reads anyway (one Kafka read and decode for both: for
 * small machines). Sources and sinks come in the constructor, as in {@link LoadCurveJob}.
 */
public class AlertJob {

    /** Event-time settings (shared with the load curves' keys) and the rules. */
    public record Params(Duration outOfOrderness, Duration idleness, AlertRules rules) implements Serializable {}

    private final Source<Reading, ?, ?> source;
    private final Source<RegistryUpdate, ?, ?> registry;
    private final Sink<String> influx;
    private final Sink<Alert> alertSink;
    private final Params params;

    /**
     * @param influx receives line protocol: {@code alerts} points
     * @param alertSink receives every transition (kw.alerts in production)
     */
    public AlertJob(Source<Reading, ?, ?> source, Source<RegistryUpdate, ?, ?> registry, Sink<String> influx, Sink<Alert> alertSink,
                    Params params) {
        this.source = source;
        this.registry = registry;
        this.influx = influx;
        this.alertSink = alertSink;
        this.params = params;
    }

    /** Adds the pipeline with its sources and sinks to {@code env}; returns the alert transitions (tests collect them). */
    public DataStream<Alert> build(StreamExecutionEnvironment env) {
        return build(LoadCurveJob.readingsIn(env, source, params.outOfOrderness(), params.idleness(), "alerts-readings-source"),
                LoadCurveJob.registryIn(env, registry, "alerts-registry-source"));
    }

    /**
     * The rules and sinks over readings (with event time) and a registry someone else reads: the
     * load-curve job's, when one job does both ({@code alerts.with-load-curves}).
     */
    public DataStream<Alert> build(DataStream<Reading> readings, BroadcastStream<RegistryUpdate> registryState) {
        SingleOutputStreamOperator<Alert> meters = readings
                .map(AlertSample::of).name("to alert samples").uid("to-alert-samples")
                .keyBy(AlertSample::meterId)
                .connect(registryState)
                .process(new MeterAlerts(params.rules()))
                .name("meter alert rules")
                .uid("meter-alerts");
        DataStream<Alert> areas = meters.getSideOutput(MeterAlerts.AREA_ENERGY)
                .keyBy(AreaEnergy::transformerId)
                .process(new AreaBalance(params.rules()))
                .name("transformer area balance")
                .uid("area-balance");
        DataStream<Alert> alerts = meters.union(areas);
        alerts.sinkTo(alertSink).name("kw.alerts").uid("alerts-kafka-sink");
        alerts.map(LineProtocol::alert).name("alerts lines").sinkTo(influx).name("influxdb alerts").uid("alerts-influx-sink");
        return alerts;
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute("kilowatch alerts");
    }

    public static Sink<Alert> alertSink(JobConfig c) {
        return LoadCurveJob.kafkaSink(c, new AlertSerializationSchema(c.alertsTopic()));
    }

    /** The production job: kw.readings and kw.registry as consumer group {@code alerts.group-id}. */
    public static AlertJob fromConfig(JobConfig c) {
        if (c.isBackfill()) {
            throw new IllegalArgumentException("the alert job has no backfill: alerts of the past are in kw.alerts already");
        }
        return new AlertJob(LoadCurveJob.kafkaSource(c, c.alertsGroupId()), LoadCurveJob.registrySource(c, c.alertsGroupId()),
                LoadCurveJob.influxSink(c), alertSink(c), params(c));
    }

    /** The production rules and sinks, for the load-curve job's own readings and registry. */
    public static AlertJob withoutSources(JobConfig c) {
        return new AlertJob(null, null, LoadCurveJob.influxSink(c), alertSink(c), params(c));
    }

    static Params params(JobConfig c) {
        return new Params(c.outOfOrderness(), c.idleness(), c.alertRules());
    }

    /** {@code java -cp kilowatch-flink-jobs-standalone.jar io.kilowatch.flink.AlertJob [--config FILE]}, or submitted to a cluster. */
    public static void main(String[] args) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        String file = env.get("KW_FLINK_CONFIG");
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--config")) {
                file = args[++i];
            } else {
                throw new IllegalArgumentException("usage: [--config FILE]; unknown " + args[i]);
            }
        }
        JobConfig c = JobConfig.load(file == null ? null : Path.of(file), env);
        StreamExecutionEnvironment flink = StreamExecutionEnvironment.getExecutionEnvironment(LoadCurveJob.stateConfiguration(c));
        flink.enableCheckpointing(c.checkpointInterval().toMillis());
        if (c.parallelism() > 0) {
            flink.setParallelism(c.parallelism());
        }
        fromConfig(c).execute(flink);
    }
}

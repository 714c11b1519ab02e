package io.kilowatch.flink.alerts;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.functions.KeepEventTimeRange;
import io.kilowatch.flink.influx.LineProtocol;
import io.kilowatch.flink.records.EventTimeRange;
import io.kilowatch.flink.wiring.StageInputs;
import io.kilowatch.model.Alert;
import java.io.Serializable;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Anomaly alerts: readings → per meter (keyed, the registry as broadcast state), in event-time
 * order: over capacity, voltage sag/swell, low power factor, spikes, tamper, suspected theft,
 * offline, and transformer overload from each transformer's area meter → per transformer area:
 * excess line loss, and theft suspicions confirmed by the area's balance; the offline, voltage and
 * capacity alerts of many meters of one area (or transformers of one feeder) folded into one
 * incident ({@link IncidentFold}); and no reading at all
 * for a while (processing time): pipeline_silent → OPEN/RESOLVED transitions to the alert sink (kw.alerts: the ingest relays
 * customers' own to them over MQTT) and to InfluxDB's {@code alerts}. docs/alerts.md has the rules.
 */
public final class AlertStage {

    public record Params(AlertRules rules) implements Serializable {
        public static Params from(JobConfig c) {
            return new Params(c.alertRules());
        }
    }

    private final Params params;
    private final Sink<String> influx;
    private final Sink<Alert> alertSink;
    /** A backfill's range, or null (live). */
    private final EventTimeRange range;

    /**
     * @param influx receives line protocol: {@code alerts} points
     * @param alertSink receives every transition (kw.alerts in production)
     */
    public AlertStage(Params params, Sink<String> influx, Sink<Alert> alertSink) {
        this(params, influx, alertSink, null);
    }

    private AlertStage(Params params, Sink<String> influx, Sink<Alert> alertSink, EventTimeRange range) {
        this.params = params;
        this.influx = influx;
        this.alertSink = alertSink;
        this.range = range;
    }

    /**
     * The same rules over the readings of {@code r} only, for a backfill of history: the
     * transitions inside the range go to InfluxDB's {@code alerts} (history for the dashboards)
     * and nowhere else. Not to kw.alerts: the relay would send customers alerts of years ago.
     * Without the silence watch (processing time says nothing of history) and the running counts
     * (the live job's). A transition at or after {@code to} is dropped: at the end of the input
     * every meter falls silent, which is the end of the data, not an outage.
     */
    public AlertStage restrictedTo(EventTimeRange r) {
        return new AlertStage(params, influx, new DiscardingSink<>(), r);
    }

    /** Adds the rules and sinks; returns the alert transitions (tests collect them). */
    public DataStream<Alert> build(StageInputs in) {
        EventTimeRange r = range;
        DataStream<Alert> alerts = r == null
                ? rules(in, true)
                : rules(
                                in.withReadings(in.readings()
                                        .filter(new KeepEventTimeRange(r))
                                        .name("keep " + r.from() + " .. " + r.to())),
                                false)
                        .filter(a -> r.contains(a.ts()))
                        .name("transitions in range");
        alerts.sinkTo(alertSink).name("kw.alerts").uid("alerts-kafka-sink");
        DataStream<String> lines = alerts.map(LineProtocol::alert).name("alerts lines");
        if (range == null) {
            lines = lines.union(alerts.keyBy(a -> a.isOpen() ? "opened" : "resolved")
                    .process(new io.kilowatch.flink.functions.RunningCount<Alert>("alerts", "alerts_"))
                    .name("count alerts")
                    .uid("count-alerts")
                    .map(LineProtocol::pipeline)
                    .name("pipeline lines"));
        }
        lines.sinkTo(influx).name("influxdb alerts").uid("alerts-influx-sink");
        return alerts;
    }

    private DataStream<Alert> rules(StageInputs in, boolean watchSilence) {
        SingleOutputStreamOperator<Alert> meters = in.readings()
                .map(AlertSample::of)
                .name("to alert samples")
                .uid("to-alert-samples")
                .keyBy(AlertSample::meterId)
                .connect(in.registry())
                .process(new MeterAlerts(params.rules()))
                .name("meter alert rules")
                .uid("meter-alerts");
        SingleOutputStreamOperator<Alert> areaIncidents = fold(
                meters.getSideOutput(MeterAlerts.AREA_MEMBERS),
                in,
                IncidentFold.Level.TRANSFORMER,
                "transformer area incidents",
                "area-incidents");
        DataStream<Alert> feederIncidents = fold(
                areaIncidents.getSideOutput(IncidentFold.UP),
                in,
                IncidentFold.Level.FEEDER,
                "feeder incidents",
                "feeder-incidents");
        DataStream<Alert> areas = meters.getSideOutput(MeterAlerts.AREA_ENERGY)
                .keyBy(AreaEnergy::transformerId)
                .connect(meters.getSideOutput(MeterAlerts.SUSPICIONS).keyBy(Suspicion::transformerId))
                .process(new AreaBalance(params.rules()))
                .name("transformer area balance")
                .uid("area-balance");
        DataStream<Alert> alerts = meters.union(areaIncidents, feederIncidents, areas);
        if (!watchSilence) {
            return alerts;
        }
        DataStream<Alert> silence = in.readings()
                .process(new Heartbeats<>())
                .name("heartbeats")
                .uid("heartbeats")
                .keyBy(beat -> PipelineWatch.SUBJECT)
                .process(new PipelineWatch(params.rules().pipelineSilentAfter()))
                .name("pipeline silence")
                .uid("pipeline-watch");
        return alerts.union(silence);
    }

    private SingleOutputStreamOperator<Alert> fold(
            DataStream<AreaMember> members, StageInputs in, IncidentFold.Level level, String name, String uid) {
        return members.keyBy(AreaMember::groupId)
                .connect(in.registry())
                .process(new IncidentFold(level, params.rules().fold()))
                .name(name)
                .uid(uid);
    }
}

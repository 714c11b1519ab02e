package io.kilowatch.flink;

import io.kilowatch.flink.alerts.AlertStage;
import io.kilowatch.flink.curves.LoadCurveStage;
import io.kilowatch.flink.records.EventTimeRange;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.flink.records.TariffUpdate;
import io.kilowatch.flink.tariffs.ShadowBills;
import io.kilowatch.flink.tariffs.TariffParams;
import io.kilowatch.flink.tariffs.TariffStage;
import io.kilowatch.flink.wiring.Connectors;
import io.kilowatch.flink.wiring.EventTime;
import io.kilowatch.flink.wiring.EventTimeInputs;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.flink.wiring.JobArgs;
import io.kilowatch.flink.wiring.StageInputs;
import io.kilowatch.model.Reading;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * The load-curve job: kw.readings and kw.registry → {@link LoadCurveStage} (and, with
 * {@code alerts.with-load-curves}, {@link AlertStage} on the same read) → InfluxDB, kw.late;
 * with {@code tariffs.enabled} (the default), {@link TariffStage} on the curves and kw.tariffs →
 * bills, hints (kw.hints) and revenue.
 * Sources come in the constructor, the stages with their sinks; {@link #main} passes the
 * production ones and tests pass their own to the same {@link #build}.
 */
public final class LoadCurveJob {
    private final Source<Reading, ?, ?> source;
    private final Source<RegistryUpdate, ?, ?> registry;
    private final EventTime time;
    private final LoadCurveStage curves;
    private final AlertStage alerts;
    private final TariffStage tariffs;
    private final Source<TariffUpdate, ?, ?> catalogue;
    private final UnaryOperator<DataStream<Reading>> afterSource;

    public LoadCurveJob(
            Source<Reading, ?, ?> source,
            Source<RegistryUpdate, ?, ?> registry,
            EventTime time,
            LoadCurveStage curves) {
        this(source, registry, time, curves, null, null, null, UnaryOperator.identity());
    }

    private LoadCurveJob(
            Source<Reading, ?, ?> source,
            Source<RegistryUpdate, ?, ?> registry,
            EventTime time,
            LoadCurveStage curves,
            AlertStage alerts,
            TariffStage tariffs,
            Source<TariffUpdate, ?, ?> catalogue,
            UnaryOperator<DataStream<Reading>> afterSource) {
        this.source = source;
        this.registry = registry;
        this.time = time;
        this.curves = curves;
        this.alerts = alerts;
        this.tariffs = tariffs;
        this.catalogue = catalogue;
        this.afterSource = afterSource;
    }

    /** Also runs {@code stage}'s alert rules on this job's readings and registry (one Kafka read and decode for both). */
    public LoadCurveJob withAlerts(AlertStage stage) {
        return new LoadCurveJob(source, registry, time, curves, stage, tariffs, catalogue, afterSource);
    }

    /** Also prices the curves under the tariff catalogue read from {@code catalogueSource} (kw.tariffs in production). */
    public LoadCurveJob withTariffs(TariffStage stage, Source<TariffUpdate, ?, ?> catalogueSource) {
        return new LoadCurveJob(source, registry, time, curves, alerts, stage, catalogueSource, afterSource);
    }

    /** Inserts operators right after the source, e.g. a fault a recovery test injects. */
    public LoadCurveJob withAfterSource(UnaryOperator<DataStream<Reading>> operators) {
        return new LoadCurveJob(source, registry, time, curves, alerts, tariffs, catalogue, operators);
    }

    /** What the job computes, before the sinks: the curves, and the tariff stage's bills and hints when it runs. */
    public record Outputs(LoadCurveStage.Curves curves, TariffStage.Outputs tariffs) {}

    /** Adds the pipeline with its sinks to {@code env}; returns what the curves stage computes. */
    public LoadCurveStage.Curves build(StreamExecutionEnvironment env) {
        return buildAll(env).curves();
    }

    public Outputs buildAll(StreamExecutionEnvironment env) {
        StageInputs in = StageInputs.of(env, source, registry, time, "", afterSource);
        LoadCurveStage.Curves c = curves.build(in);
        if (alerts != null) {
            alerts.build(in);
        }
        TariffStage.Outputs t = null;
        if (tariffs != null) {
            t = tariffs.build(
                    c, EventTimeInputs.reference(env, catalogue, "tariffs", ShadowBills.TARIFFS, "tariffs-source"));
        }
        return new Outputs(c, t);
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        EventTimeRange range = curves.range();
        build(env);
        String what = "kilowatch load curves" + (tariffs != null ? ", bills" : "") + (alerts != null ? ", alerts" : "");
        return env.execute(range != null ? what + " backfill " + range.from() + " .. " + range.to() : what);
    }

    /** The production job for a configuration: live, or a backfill of {@code backfill.from .. to}. */
    public static LoadCurveJob fromConfig(JobConfig c) {
        LoadCurveStage.Params params = LoadCurveStage.Params.from(c);
        TariffStage tariffStage =
                new TariffStage(TariffParams.from(c), Connectors.tariffsInflux(c), Connectors.hints(c));
        if (c.isBackfill()) {
            // Late readings of the range were reported to kw.late by the live job already, and its hints were sent.
            LoadCurveJob backfill = new LoadCurveJob(
                    Connectors.readings(c),
                    Connectors.registry(c),
                    EventTime.from(c),
                    new LoadCurveStage(params, Connectors.influx(c), new DiscardingSink<>())
                            .restrictedTo(c.backfill()));
            // History's alerts, to InfluxDB only (AlertStage#restrictedTo).
            backfill = backfill.withAlerts(
                    new AlertStage(AlertStage.Params.from(c), Connectors.influx(c), new DiscardingSink<>())
                            .restrictedTo(c.backfill()));
            return c.tariffsEnabled()
                    ? backfill.withTariffs(tariffStage.restrictedTo(c.backfill()), Connectors.tariffs(c))
                    : backfill;
        }
        LoadCurveJob job = new LoadCurveJob(
                Connectors.readings(c),
                Connectors.registry(c),
                EventTime.from(c),
                new LoadCurveStage(params, Connectors.influx(c), Connectors.late(c)));
        if (c.tariffsEnabled()) {
            job = job.withTariffs(tariffStage, Connectors.tariffs(c));
        }
        return c.alertsWithLoadCurves()
                ? job.withAlerts(new AlertStage(AlertStage.Params.from(c), Connectors.influx(c), Connectors.alerts(c)))
                : job;
    }

    /**
     * {@code java -jar kilowatch-flink-jobs-standalone.jar [--config FILE] [--backfill FROM TO]},
     * or submitted to a cluster. With {@code --backfill} (ISO instants on 15-minute boundaries)
     * the job recomputes that event-time range from kw.readings, overwrites its points and stops.
     */
    public static void main(String[] args) throws Exception {
        JobConfig c = JobArgs.parse(args, System.getenv(), true);
        fromConfig(c).execute(FlinkSetup.environment(c));
    }
}

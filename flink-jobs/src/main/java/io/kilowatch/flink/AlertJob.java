package io.kilowatch.flink;

import io.kilowatch.flink.alerts.AlertStage;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.flink.wiring.Connectors;
import io.kilowatch.flink.wiring.EventTime;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.flink.wiring.JobArgs;
import io.kilowatch.flink.wiring.StageInputs;
import io.kilowatch.model.Alert;
import io.kilowatch.model.Reading;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The alert job: kw.readings and kw.registry → {@link AlertStage} → kw.alerts and InfluxDB. By
 * default its own job and consumer group beside the load curves: either can be restarted,
 * scaled or replayed without the other ({@code alerts.with-load-curves} runs the same stage in
 * the load-curve job instead).
 */
public final class AlertJob {
    private final Source<Reading, ?, ?> source;
    private final Source<RegistryUpdate, ?, ?> registry;
    private final EventTime time;
    private final AlertStage alerts;

    public AlertJob(
            Source<Reading, ?, ?> source, Source<RegistryUpdate, ?, ?> registry, EventTime time, AlertStage alerts) {
        this.source = source;
        this.registry = registry;
        this.time = time;
        this.alerts = alerts;
    }

    /** Adds the pipeline with its sources and sinks to {@code env}; returns the alert transitions (tests collect them). */
    public DataStream<Alert> build(StreamExecutionEnvironment env) {
        return alerts.build(StageInputs.of(env, source, registry, time, "alerts-", UnaryOperator.identity()));
    }

    public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
        build(env);
        return env.execute("kilowatch alerts");
    }

    /** The production job: kw.readings and kw.registry as consumer group {@code alerts.group-id}. */
    public static AlertJob fromConfig(JobConfig c) {
        if (c.isBackfill()) {
            throw new IllegalArgumentException(
                    "the alert job has no backfill: alerts of the past are in kw.alerts already");
        }
        return new AlertJob(
                Connectors.readings(c, c.alertsGroupId()),
                Connectors.registry(c, c.alertsGroupId()),
                EventTime.from(c),
                new AlertStage(
                        AlertStage.Params.from(c), Connectors.influx(c), Connectors.alerts(c, c.alertsGroupId())));
    }

    /** {@code java -cp kilowatch-flink-jobs-standalone.jar io.kilowatch.flink.AlertJob [--config FILE]}, or submitted to a cluster. */
    public static void main(String[] args) throws Exception {
        JobConfig c = JobArgs.parse(args, System.getenv(), false);
        fromConfig(c).execute(FlinkSetup.environment(c));
    }
}

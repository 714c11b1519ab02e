package io.kilowatch.flink.wiring;

import io.kilowatch.flink.curves.MeterIntervals;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.model.Reading;
import java.util.function.UnaryOperator;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * What every stage (load curves, alerts, tariffs) builds on: the readings with their event time
 * and the registry as broadcast state (and as its records, {@code registryUpdates}, for what is
 * written of it). Stages of one job share one read of each.
 */
public record StageInputs(
        DataStream<Reading> readings,
        BroadcastStream<RegistryUpdate> registry,
        DataStream<RegistryUpdate> registryUpdates) {

    /**
     * @param uidPrefix keeps the sources' uids of each job as they were ("" for the load-curve
     *     job, "alerts-" for the alert job), so savepoints restore
     * @param afterSource operators right after the readings source (a fault a recovery test injects; identity otherwise)
     */
    public static StageInputs of(
            StreamExecutionEnvironment env,
            Source<Reading, ?, ?> readings,
            Source<RegistryUpdate, ?, ?> registry,
            EventTime time,
            String uidPrefix,
            UnaryOperator<DataStream<Reading>> afterSource) {
        DataStream<Reading> r =
                afterSource.apply(EventTimeInputs.readings(env, readings, time, uidPrefix + "readings-source"));
        DataStream<RegistryUpdate> updates = EventTimeInputs.registry(env, registry, uidPrefix + "registry-source");
        return new StageInputs(r, updates.broadcast(MeterIntervals.REGISTRY), updates);
    }

    public StageInputs withReadings(DataStream<Reading> other) {
        return new StageInputs(other, registry, registryUpdates);
    }
}

package io.kilowatch.flink.wiring;

import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.model.Reading;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The inputs every stage builds on, with their event time: readings, and reference data as broadcast streams. */
public final class EventTimeInputs {
    private EventTimeInputs() {}

    /**
     * Readings with their event time, as every job reads them. They arrive out of order:
     * per-meter MQTT messages are a few seconds apart, and the bridge spreads meters over
     * partitions. The bound is how long an interval (or an alert rule) waits for them; idleness
     * keeps a quiet partition from holding event time back for everyone.
     */
    public static DataStream<Reading> readings(StreamExecutionEnvironment env, Source<Reading, ?, ?> source, Duration outOfOrderness,
                                               Duration idleness, String uid) {
        WatermarkStrategy<Reading> eventTime = WatermarkStrategy
                .<Reading>forBoundedOutOfOrderness(outOfOrderness)
                .withTimestampAssigner((reading, kafkaTs) -> reading.ts())
                .withIdleness(idleness);
        return env.fromSource(source, eventTime, "readings").uid(uid);
    }

    /** The registry's records, with reference data's event time ({@link #referenceWatermarks}). */
    public static DataStream<RegistryUpdate> registry(StreamExecutionEnvironment env, Source<RegistryUpdate, ?, ?> registry, String uid) {
        return env.fromSource(registry, referenceWatermarks(registry), "registry").uid(uid);
    }

    /** Any reference data (the tariff catalogue) as a broadcast stream, with {@link #referenceWatermarks}. */
    public static <T> BroadcastStream<T> reference(StreamExecutionEnvironment env, Source<T, ?, ?> source, String name,
                                                   MapStateDescriptor<?, ?> descriptor, String uid) {
        return env.fromSource(source, referenceWatermarks(source), name).uid(uid).broadcast(descriptor);
    }

    /**
     * Event time of reference data, which has none. A live input (a compacted topic, never
     * ending) is idle for good, so the readings alone move event time and a pause in the readings
     * does not let reference data move it; which readings come before it on a cold start is then
     * a matter of timing (docs/decisions.md). A bounded input (backfill, replay, tests) sends no
     * watermark until it has been read to its end: event time waits for all of it, so every
     * reading is judged with it.
     */
    public static <T> WatermarkStrategy<T> referenceWatermarks(Source<T, ?, ?> source) {
        return source.getBoundedness() == Boundedness.BOUNDED
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
}

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
     * keeps a quiet partition from holding event time back for everyone. A backfill's event time
     * waits for the end of its input ({@link EventTime#from}).
     */
    public static DataStream<Reading> readings(
            StreamExecutionEnvironment env, Source<Reading, ?, ?> source, EventTime time, String uid) {
        return env.fromSource(source, watermarks(time), "readings").uid(uid);
    }

    static WatermarkStrategy<Reading> watermarks(EventTime time) {
        if (time.untilEnd()) {
            return WatermarkStrategy.<Reading>noWatermarks().withTimestampAssigner((reading, kafkaTs) -> reading.ts());
        }
        Duration bound = time.outOfOrderness();
        Duration close = time.closeAfterIdle();
        WatermarkStrategy<Reading> base = close.isZero()
                ? WatermarkStrategy.forBoundedOutOfOrderness(bound)
                : WatermarkStrategy.forGenerator(ctx -> new ClosingWhenIdle(bound, close, System::nanoTime));
        return base.withTimestampAssigner((reading, kafkaTs) -> reading.ts()).withIdleness(time.idleness());
    }

    /**
     * Bounded out-of-orderness, and the end of a replay: once a partition has had no reading for
     * {@code closeAfter} of processing time, its watermark moves to the end of the 15-minute
     * interval that holds its latest reading (less 1 ms), so every interval holding a reading
     * closes, and no further: an interval or an offline timer past the data stays open. A
     * reading that still comes for a closed interval is handled as any late one (within the
     * allowed lateness it updates the interval). Off by default (time.close-after-idle): on a
     * live fleet a pause of the bridge longer than that would make the minutes after it late.
     */
    static final class ClosingWhenIdle implements WatermarkGenerator<Reading> {
        private static final long QUARTER = 900_000;
        private final long boundMs;
        private final long closeAfterNanos;
        private final java.util.function.LongSupplier nanoClock;
        private long maxTs = Long.MIN_VALUE;
        private long lastEventNanos;
        private long emitted = Long.MIN_VALUE;

        ClosingWhenIdle(Duration bound, Duration closeAfter, java.util.function.LongSupplier nanoClock) {
            this.boundMs = bound.toMillis();
            this.closeAfterNanos = closeAfter.toNanos();
            this.nanoClock = nanoClock;
        }

        @Override
        public void onEvent(Reading event, long eventTimestamp, WatermarkOutput output) {
            maxTs = Math.max(maxTs, eventTimestamp);
            lastEventNanos = nanoClock.getAsLong();
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            if (maxTs == Long.MIN_VALUE) {
                return;
            }
            long wm = maxTs - boundMs - 1;
            if (nanoClock.getAsLong() - lastEventNanos >= closeAfterNanos) {
                wm = Math.max(wm, Math.floorDiv(maxTs, QUARTER) * QUARTER + QUARTER - 1);
            }
            if (wm > emitted) {
                emitted = wm;
                output.emitWatermark(new org.apache.flink.api.common.eventtime.Watermark(wm));
            }
        }
    }

    /** The registry's records, with reference data's event time ({@link #referenceWatermarks}). */
    public static DataStream<RegistryUpdate> registry(
            StreamExecutionEnvironment env, Source<RegistryUpdate, ?, ?> registry, String uid) {
        return env.fromSource(registry, referenceWatermarks(registry), "registry")
                .uid(uid);
    }

    /** Any reference data (the tariff catalogue) as a broadcast stream, with {@link #referenceWatermarks}. */
    public static <T> BroadcastStream<T> reference(
            StreamExecutionEnvironment env,
            Source<T, ?, ?> source,
            String name,
            MapStateDescriptor<?, ?> descriptor,
            String uid) {
        return env.fromSource(source, referenceWatermarks(source), name)
                .uid(uid)
                .broadcast(descriptor);
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

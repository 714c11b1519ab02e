package io.kilowatch.flink.alerts;

import io.kilowatch.model.Alert;
import io.kilowatch.model.AlertType;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * A pipeline that goes silent is an alert for staff: when no reading at all has reached the job
 * for {@code silentAfter} of processing time, {@code pipeline_silent} opens; the next reading
 * resolves it. Event time cannot say this (the watermark stops with the data), so this is the one
 * rule on the wall clock; its times are processing times. Keyed by one constant key: it sees one
 * heartbeat per subtask and second ({@link Heartbeats}), not the readings.
 */
public class PipelineWatch extends KeyedProcessFunction<String, Long, Alert> {
    public static final String TYPE = AlertType.PIPELINE_SILENT.wire();
    public static final String SUBJECT = "readings";

    private final long silentAfterMs;
    /** When the last heartbeat came (processing time), and since when the pipeline is silent (0: not). */
    private transient ValueState<Long> lastBeat;

    private transient ValueState<Long> silentSince;

    public PipelineWatch(Duration silentAfter) {
        this.silentAfterMs = silentAfter.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        lastBeat = getRuntimeContext().getState(new ValueStateDescriptor<>("last-beat", Types.LONG));
        silentSince = getRuntimeContext().getState(new ValueStateDescriptor<>("silent-since", Types.LONG));
    }

    @Override
    public void processElement(Long beat, Context ctx, Collector<Alert> out) throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        Long previous = lastBeat.value();
        if (previous != null) {
            ctx.timerService().deleteProcessingTimeTimer(previous + silentAfterMs);
        }
        Long since = silentSince.value();
        if (since != null) {
            out.collect(alert(
                    Alert.State.RESOLVED,
                    now,
                    since,
                    (now - since) / 60_000.0,
                    Messages.pipelineBack((now - since) / 60_000, since)));
            silentSince.clear();
        }
        lastBeat.update(now);
        ctx.timerService().registerProcessingTimeTimer(now + silentAfterMs);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Long last = lastBeat.value();
        if (last == null || last + silentAfterMs != t || silentSince.value() != null) {
            return;
        }
        silentSince.update(last);
        out.collect(alert(
                Alert.State.OPEN,
                t,
                last,
                silentAfterMs / 60_000.0,
                Messages.pipelineSilent(silentAfterMs / 60_000, last)));
    }

    private Alert alert(Alert.State state, long ts, long openedAt, double minutes, String message) {
        return new Alert(
                SUBJECT + "/" + TYPE + "/" + openedAt,
                TYPE,
                "critical",
                "pipeline",
                SUBJECT,
                null,
                state,
                ts,
                openedAt,
                Math.round(minutes * 10) / 10.0,
                silentAfterMs / 60_000.0,
                "min",
                message);
    }
}

package io.kilowatch.flink.functions;

import io.kilowatch.model.Reading;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Lets the first reading of each (meterId, ts) through and drops the rest: MQTT QoS 1
 * redeliveries and concentrator re-uploads must not be counted twice.
 *
 * <p>Keyed by meterId; remembers the timestamps seen for {@code retention} of event time, then an
 * event-time timer forgets them. A copy arriving later than that is also later than every window
 * it could change, so it is handled as late data downstream, not here. Timers are rounded up to
 * a whole minute so that a meter reading every few seconds holds one timer per minute, not one
 * per reading.
 */
public class DropDuplicateReadings extends KeyedProcessFunction<String, Reading, Reading> {
    private static final long TIMER_GRANULARITY_MS = 60_000;

    private final long retentionMs;
    private transient MapState<Long, Boolean> seen;
    private transient Counter duplicates;

    public DropDuplicateReadings(Duration retention) {
        this.retentionMs = retention.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        seen = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen-ts", Types.LONG, Types.BOOLEAN));
        duplicates = getRuntimeContext().getMetricGroup().counter("duplicatesDropped");
    }

    @Override
    public void processElement(Reading r, Context ctx, Collector<Reading> out) throws Exception {
        if (seen.contains(r.ts())) {
            duplicates.inc();
            return;
        }
        seen.put(r.ts(), Boolean.TRUE);
        long expiry = r.ts() + retentionMs;
        ctx.timerService().registerEventTimeTimer(expiry - Math.floorMod(expiry, TIMER_GRANULARITY_MS) + TIMER_GRANULARITY_MS);
        out.collect(r);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Reading> out) throws Exception {
        Iterator<Map.Entry<Long, Boolean>> it = seen.iterator();
        while (it.hasNext()) {
            if (it.next().getKey() + retentionMs < timestamp) {
                it.remove();
            }
        }
        // Removing through the iterator leaves an empty map behind on the heap backend: clear
        // it, or every meter ever seen keeps a state entry forever.
        if (seen.isEmpty()) {
            seen.clear();
        }
    }
}

package io.kilowatch.flink.alerts;

import io.kilowatch.flink.curves.MeterIntervals;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.model.Alert;
import io.kilowatch.model.RegistryEntry;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * A meter's alert rules in Flink: keyed by meterId, the registry as broadcast state. Readings wait
 * for the watermark and are evaluated in event-time order (rules like "held for 2 minutes" and
 * "register went backwards" need order; the wait is the job's out-of-orderness bound), which also
 * drops duplicates by (meterId, ts). A reading behind the watermark on arrival is not evaluated
 * and is counted ({@code lateReadings}); the load-curve job reports it in kw.late. The end of a
 * bounded input (a replay, a test) does not make every meter offline. A meter offline for
 * {@link AlertRules#stateHorizon()}, or taken out of the registry, is forgotten: its open alerts
 * resolved, its state cleared ({@code metersForgotten}).
 *
 * <p>Outputs: alert transitions (main); those that may be part of an area incident (offline,
 * voltage, over capacity, transformer overload) of meters on a known transformer go to its
 * {@link IncidentFold} instead ({@link #AREA_MEMBERS}); and for its transformer's balance each
 * meter's quarter-hour energy ({@link #AREA_ENERGY}) and its theft suspicions ({@link #SUSPICIONS}).
 */
public class MeterAlerts extends KeyedBroadcastProcessFunction<String, AlertSample, RegistryUpdate, Alert> {
    public static final OutputTag<AreaEnergy> AREA_ENERGY =
            new OutputTag<>("area-energy", TypeInformation.of(AreaEnergy.class));
    public static final OutputTag<AreaMember> AREA_MEMBERS =
            new OutputTag<>("area-members", TypeInformation.of(AreaMember.class));
    public static final OutputTag<Suspicion> SUSPICIONS =
            new OutputTag<>("theft-suspicions", TypeInformation.of(Suspicion.class));

    private final ValueStateDescriptor<MeterWatch> watchState =
            new ValueStateDescriptor<>("watch", TypeInformation.of(MeterWatch.class));

    private final MeterRules rules;
    private transient MapState<Long, AlertSample> pending;
    private transient ValueState<MeterWatch> watch;
    /** The latest event time of any reading this instance has seen: how far the data really goes. */
    private transient long latestReading = Long.MIN_VALUE;

    private transient Counter late;
    private transient Counter duplicates;
    private transient Counter opened;
    private transient Counter resolved;
    private transient Counter forgotten;

    public MeterAlerts(AlertRules rules) {
        this.rules = new MeterRules(rules);
    }

    @Override
    public void open(OpenContext openContext) {
        pending = getRuntimeContext()
                .getMapState(new MapStateDescriptor<>("pending", Types.LONG, TypeInformation.of(AlertSample.class)));
        watch = getRuntimeContext().getState(watchState);
        var metrics = getRuntimeContext().getMetricGroup();
        late = metrics.counter("lateReadings");
        duplicates = metrics.counter("duplicateReadings");
        opened = metrics.counter("alertsOpened");
        resolved = metrics.counter("alertsResolved");
        forgotten = metrics.counter("metersForgotten");
    }

    @Override
    public void processBroadcastElement(RegistryUpdate u, Context ctx, Collector<Alert> out) throws Exception {
        if (u.entry() == null) {
            RegistryEntry old = ctx.getBroadcastState(MeterIntervals.REGISTRY).get(u.meterId());
            ctx.getBroadcastState(MeterIntervals.REGISTRY).remove(u.meterId());
            // A meter taken out of the registry is no longer watched: close its alerts and drop
            // its state. This visits every meter of the subtask, which a removal (rare) can afford.
            long now = ctx.currentWatermark();
            ctx.applyToKeyedState(watchState, (meterId, state) -> {
                if (meterId.equals(u.meterId()) && state.value() != null) {
                    MeterWatch w = state.value();
                    rules.forget(
                            w,
                            meterId,
                            old,
                            Math.max(now, w.lastTs),
                            "left the registry",
                            sink(out, m -> ctx.output(AREA_MEMBERS, m), old));
                    state.clear();
                    forgotten.inc();
                }
            });
        } else {
            ctx.getBroadcastState(MeterIntervals.REGISTRY).put(u.meterId(), u.entry());
        }
    }

    @Override
    public void processElement(AlertSample s, ReadOnlyContext ctx, Collector<Alert> out) throws Exception {
        latestReading = Math.max(latestReading, s.ts());
        if (s.ts() <= ctx.timerService().currentWatermark()) {
            late.inc();
            return;
        }
        if (pending.contains(s.ts())) {
            duplicates.inc();
            return;
        }
        pending.put(s.ts(), s);
        ctx.timerService().registerEventTimeTimer(s.ts());
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        MeterWatch w = watch.value();
        if (w == null) {
            w = new MeterWatch();
        }
        String meterId = ctx.getCurrentKey();
        RegistryEntry entry = ctx.getBroadcastState(MeterIntervals.REGISTRY).get(meterId);
        AlertSample s = pending.get(t);
        boolean changed = false;
        java.util.function.Consumer<Alert> alerts = sink(out, m -> ctx.output(AREA_MEMBERS, m), entry);
        if (s != null) {
            pending.remove(t);
            long before = w.lastTs == MeterWatch.NONE ? MeterWatch.NONE : rules.offlineAt(w);
            if (rules.observe(w, s, entry, alerts, e -> ctx.output(AREA_ENERGY, e), x -> ctx.output(SUSPICIONS, x))) {
                // A timer is (key, time): the old offline time may also be a reading's, one
                // that came early (a backlog runs far ahead of the watermark). Keep it then.
                long next = rules.offlineAt(w);
                if (before != next) {
                    if (before != MeterWatch.NONE && !pending.contains(before)) {
                        ctx.timerService().deleteEventTimeTimer(before);
                    }
                    ctx.timerService().registerEventTimeTimer(next);
                }
                changed = true;
            } else {
                duplicates.inc();
            }
        } else if (w.lastTs != MeterWatch.NONE && t == rules.offlineAt(w) && t <= latestReading) {
            // Only once other meters' readings show that time really passed: the end of a bounded
            // input passes every timer at once, and the input ended, not the meters.
            rules.offline(w, meterId, entry, t, alerts);
            ctx.timerService().registerEventTimeTimer(rules.forgetAt(w));
            changed = true;
        } else if (w.lastTs != MeterWatch.NONE && t == rules.forgetAt(w) && t <= latestReading) {
            rules.forget(
                    w,
                    meterId,
                    entry,
                    t,
                    String.format(java.util.Locale.ROOT, "has sent nothing for %d days", (t - w.lastTs) / 86_400_000L),
                    alerts);
            watch.clear();
            forgotten.inc();
            return;
        }
        if (changed) {
            watch.update(w);
        }
    }

    /** Where a meter's alerts go: its transformer area's incident fold, or straight out. */
    private java.util.function.Consumer<Alert> sink(
            Collector<Alert> out, java.util.function.Consumer<AreaMember> toFold, RegistryEntry entry) {
        String area = entry == null ? null : entry.transformerId();
        return a -> {
            (a.isOpen() ? opened : resolved).inc();
            if (area != null && IncidentFold.foldable(a.type())) {
                toFold.accept(new AreaMember(area, a));
            } else {
                out.collect(a);
            }
        };
    }
}

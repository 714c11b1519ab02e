package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.BillingEvent;
import io.kilowatch.flink.records.CellSample;
import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.LateReading;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.flink.records.LoadSums;
import io.kilowatch.flink.records.MemberChange;
import io.kilowatch.flink.records.MeterSample;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.model.RegistryEntry;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
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
 * A meter's 15-minute load curve: dedup by (meterId, ts), 15-minute intervals in event time,
 * register energy, gap filling, lateness, and the meter's daily KPIs; keyed by meterId, with
 * the registry as broadcast state. Its 1-minute intervals are not kept here: each counted reading
 * goes to the meter's transformer × class cell ({@link MinuteCells}), which builds the minutes and
 * writes the per-meter 1-minute points of the meters the rules name; this operator only judges a
 * reading too late for its minute (kw.late, interval 1m).
 *
 * <p>One operator and one state lookup per reading, instead of a dedup operator and window
 * operators: the 15-minute interval's list of counted timestamps is the dedup memory, kept exactly
 * as long as a reading could still change the interval.
 *
 * <p>Outputs: the meter's 15-minute {@link LoadPoint}s (main), {@link #SAMPLES} (each counted
 * reading, for the cell's minutes) and {@link #CHANGES} (each change of the meter's share of a
 * quarter, for the cell's quarters), {@link #LATE} for kw.late, {@link #KPIS},
 * and {@link #BILLING} for the tariff stage (the registry entry, which names the customer, is here).
 *
 * <p>Timers: an interval is emitted at its end (watermark ≥ end − 1) and forgotten at end − 1 +
 * allowed lateness; a reading for it in between re-emits it at once. A reading for an
 * interval already forgotten is late. Event-time timers fire in order, so gaps are seen when
 * the interval after them closes, and days are folded interval by interval.
 */
public class MeterIntervals extends KeyedBroadcastProcessFunction<String, MeterSample, RegistryUpdate, LoadPoint> {
    public static final MapStateDescriptor<String, RegistryEntry> REGISTRY =
            new MapStateDescriptor<>("registry", Types.STRING, TypeInformation.of(RegistryEntry.class));
    public static final OutputTag<CellSample> SAMPLES =
            new OutputTag<>("cell-samples", TypeInformation.of(CellSample.class));
    public static final OutputTag<MemberChange> CHANGES =
            new OutputTag<>("member-changes", TypeInformation.of(MemberChange.class));
    public static final OutputTag<LateReading> LATE =
            new OutputTag<>("late-readings", TypeInformation.of(LateReading.class));
    public static final OutputTag<DailyKpi> KPIS = new OutputTag<>("meter-kpis", TypeInformation.of(DailyKpi.class));
    /** For the tariff stage: billed meters' 15-minute energies, and demand-billed meters' counted readings. */
    public static final OutputTag<BillingEvent> BILLING = new OutputTag<>("billing", BillingEvent.wireType());

    private static final Interval M = Interval.ONE_MINUTE;
    private static final Interval Q = Interval.FIFTEEN_MINUTES;

    private final CurveRules rules;
    private final long minuteLatenessMs;
    private final long quarterLatenessMs;
    private final long demandReadingsFromMs;

    private transient ValueState<MeterState> state;
    /** Counts registry changes seen by this instance, so a meter's entry is looked up again only after one. */
    private transient long registryVersion;

    private transient Counter duplicates;
    private transient Counter[] late;
    private transient Counter unregisteredPoints;
    private transient Counter filled;
    private transient Counter registerEvents;

    public MeterIntervals(Duration allowedLateness1m, Duration allowedLateness15m, CurveRules rules) {
        this(allowedLateness1m, allowedLateness15m, rules, Duration.ZERO);
    }

    /**
     * @param demandReadingsFrom a demand-billed meter's reading goes to the tariff stage only this
     *     far into its quarter or later (the demand warning's {@code tariffs.hints.demand.min-minutes}:
     *     it waits for that much of the quarter, and each reading carries the quarter's mean so far,
     *     so the earlier ones would tell the stage nothing it acts on)
     */
    public MeterIntervals(
            Duration allowedLateness1m, Duration allowedLateness15m, CurveRules rules, Duration demandReadingsFrom) {
        if (allowedLateness1m.compareTo(allowedLateness15m) > 0) {
            // The 15-minute interval keeps the dedup memory; it must outlive every interval it covers.
            throw new IllegalArgumentException(
                    "allowed lateness of 1-minute intervals must not exceed that of 15-minute ones");
        }
        minuteLatenessMs = allowedLateness1m.toMillis();
        quarterLatenessMs = allowedLateness15m.toMillis();
        this.rules = rules;
        demandReadingsFromMs = demandReadingsFrom.toMillis();
    }

    @Override
    public void open(OpenContext ctx) {
        state = getRuntimeContext().getState(new ValueStateDescriptor<>("meter", new MeterStateSerializer()));
        var metrics = getRuntimeContext().getMetricGroup();
        duplicates = metrics.counter("duplicatesDropped");
        late = new Counter[] {metrics.counter("lateReadings_1m"), metrics.counter("lateReadings_15m")};
        unregisteredPoints = metrics.counter("unregisteredMeterPoints");
        filled = metrics.counter("estimatedPoints");
        registerEvents = metrics.counter("registerEvents");
    }

    @Override
    public void processBroadcastElement(RegistryUpdate u, Context ctx, Collector<LoadPoint> out) throws Exception {
        registryVersion++;
        u.applyTo(ctx.getBroadcastState(REGISTRY));
    }

    @Override
    public void processElement(MeterSample s, ReadOnlyContext ctx, Collector<LoadPoint> out) throws Exception {
        long wm = ctx.timerService().currentWatermark();
        long qStart = Q.startOf(s.ts());
        if (forgotten(qStart, Q, quarterLatenessMs, wm)) {
            // Too late for the 15-minute interval is too late for the 1-minute one inside it.
            late(ctx, s, M);
            late(ctx, s, Q);
            return;
        }
        MeterState meta = meterState();
        IntervalAcc q = meta.get(qStart);
        if (q == null) {
            q = new IntervalAcc(qStart);
            meta.put(q);
            scheduleTimers(ctx, qStart, wm);
        }
        if (!q.markSeen((int) (s.ts() - qStart))) {
            duplicates.inc();
            return;
        }
        q.addKw(s.kw());
        q.addKvar(s.kvar());
        int registerChange = s.hasRegister() ? q.addRegister(s.ts(), unwrapRegister(s, meta, q)) : 0;
        // Emitted before is closed, whatever the watermark says now: after a restore it starts
        // again from nothing, and the interval's end timer has fired already.
        if (q.emitted || wm >= qStart + Q.millis() - 1) {
            boolean first = !q.emitted;
            if (first) {
                fillGapBefore(ctx, out, meta, q, wm); // what its end timer would have done, had it been there
            }
            emit(ctx, out, meta, q);
            // The estimates either side were drawn to this interval's kW as it was: redraw them,
            // so they end as an in-order run of the same readings draws them (ChaosIT found the
            // difference after a fault closed an interval before its last readings came).
            refreshEstimates(ctx, out, meta, qStart, -1);
            refreshEstimates(ctx, out, meta, qStart, +1);
        }
        // A new boundary sample changes the register energy of the neighbour on that side.
        if ((registerChange & 1) != 0) {
            reemit(ctx, out, meta, qStart - Q.millis());
        }
        if ((registerChange & 2) != 0) {
            reemit(ctx, out, meta, qStart + Q.millis());
        }

        RegistryEntry entry = registryEntry(ctx, meta, s.meterId());
        MeterState.Membership m = meta.membership(entry, s.meterId(), rules);
        if (m.billing() != null && m.billing().demandBilled() && s.ts() - qStart >= demandReadingsFromMs) {
            // Within seconds of the reading: the tariff stage warns of a new monthly maximum before the quarter ends.
            ctx.output(BILLING, BillingEvent.reading(entry.customerId(), s.meterId(), s.ts(), q.sumKw / q.count));
        }
        // The 1-minute interval is built by the meter's cell: it gets the deduplicated reading.
        long mStart = M.startOf(s.ts());
        if (forgotten(mStart, M, minuteLatenessMs, wm)) {
            late(ctx, s, M);
        } else if (entry == null && wm < mStart + M.millis() - 1) {
            // Not in the registry, or not in it yet: the registry is a broadcast input and may be
            // read after the first readings. The minute goes to its cell when it closes, with the
            // membership the registry gives then (docs/decisions.md).
            meta.defer(mStart, s.kw());
            ctx.timerService().registerEventTimeTimer(mStart + M.millis() - 1);
        } else {
            ctx.output(
                    SAMPLES,
                    new CellSample(m.cell(), mStart, m.feederId(), m.region(), s.meterId(), s.kw(), m.meterCurve()));
        }
        state.update(meta);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<LoadPoint> out) throws Exception {
        MeterState meta = state.value();
        if (meta == null) {
            return;
        }
        if (meta.deferred > 0) {
            sendDeferred(ctx, meta, t);
        }
        long closing = t + 1 - Q.millis();
        IntervalAcc acc = meta.get(closing);
        if (acc != null && !acc.emitted) {
            fillGapBefore(ctx, out, meta, acc, t);
            emit(ctx, out, meta, acc);
        }
        long expiring = closing - quarterLatenessMs;
        IntervalAcc old = expiring == closing ? acc : meta.get(expiring);
        if (old != null) {
            foldIntoDay(ctx, meta, old);
            meta.remove(expiring);
        }
        if (meta.day != null && t >= dayCloseTime(meta.day)) {
            ctx.output(
                    KPIS, meta.day.kpi(LoadPoint.LEVEL_METER, ctx.getCurrentKey(), rules.zone(), rules.kpiCalendar()));
            meta.day = null;
        }
        if (meta.day == null && !meta.hasIntervals() && meta.deferred == 0) {
            // Every interval of the meter is final and its day reported: nothing is kept. A meter
            // that comes back starts afresh; its silence was longer than any gap we fill.
            state.clear();
        } else {
            state.update(meta);
        }
    }

    // ------------------------------------------------------------------ emission

    /** Sends the deferred readings of every minute closed by {@code t} to the cell the registry names now. */
    private void sendDeferred(ReadOnlyContext ctx, MeterState meta, long t) throws Exception {
        String meterId = ctx.getCurrentKey();
        MeterState.Membership m = meta.membership(registryEntry(ctx, meta, meterId), meterId, rules);
        boolean[] sent = new boolean[meta.deferred];
        for (int i = 0; i < meta.deferred; i++) {
            long start = meta.deferredStart[i];
            if (start + M.millis() - 1 <= t) {
                ctx.output(
                        SAMPLES,
                        new CellSample(
                                m.cell(),
                                start,
                                m.feederId(),
                                m.region(),
                                meterId,
                                meta.deferredKw[i],
                                m.meterCurve()));
                sent[i] = true;
            }
        }
        meta.keepDeferred(sent);
    }

    /** Writes the interval's point and sends the change of the meter's share to its cell. */
    private void emit(ReadOnlyContext ctx, Collector<LoadPoint> out, MeterState meta, IntervalAcc acc)
            throws Exception {
        String meterId = ctx.getCurrentKey();
        RegistryEntry entry = registryEntry(ctx, meta, meterId);
        LoadPoint p = point(meterId, meta, acc);
        out.collect(p);
        MeterState.Membership m = meta.membership(entry, meterId, rules);
        if (!acc.emitted) {
            acc.cell = m.cell();
            if (entry == null) {
                unregisteredPoints.inc();
            }
        }
        if (m.billing() != null) {
            ctx.output(
                    BILLING,
                    BillingEvent.interval(entry.customerId(), meterId, acc.start, p.kwh(), p.kvarh(), m.billing()));
        }
        ctx.output(
                CHANGES,
                new MemberChange(
                        acc.cell,
                        m.feederId(),
                        m.region(),
                        acc.start,
                        LoadSums.of(p).minus(acc.emittedShare())));
        acc.rememberEmitted(p);
        if (!acc.isEstimated()
                && acc.start >= meta.lastRealStart) { // >=: the last one's kW changes with a late reading
            meta.lastRealStart = acc.start;
            meta.lastRealKw = p.kwAvg();
        }
    }

    private void reemit(ReadOnlyContext ctx, Collector<LoadPoint> out, MeterState meta, long start) throws Exception {
        IntervalAcc neighbour = meta.get(start);
        if (neighbour != null && neighbour.emitted) {
            emit(ctx, out, meta, neighbour);
        }
    }

    private static LoadPoint point(String meterId, MeterState meta, IntervalAcc acc) {
        Interval iv = Q;
        long start = acc.start;
        if (acc.isEstimated()) {
            double kw = acc.estimatedKw;
            return new LoadPoint(
                    LoadPoint.LEVEL_METER,
                    meterId,
                    iv.tag(),
                    start,
                    kw,
                    kw,
                    kw,
                    kw * iv.hours(),
                    Double.NaN,
                    0,
                    0,
                    1,
                    "estimated",
                    null);
        }
        double avg = acc.sumKw / acc.count;
        double kwh = avg * iv.hours();
        String source = "power";
        String event = IntervalAcc.eventName(acc.registerEvent);
        double fromRegister = registerEnergy(meta, start, acc);
        if (!Double.isNaN(fromRegister)) {
            kwh = fromRegister;
            source = "register";
        }
        return new LoadPoint(
                LoadPoint.LEVEL_METER,
                meterId,
                iv.tag(),
                start,
                avg,
                acc.maxKw,
                acc.minKw,
                kwh,
                acc.kvarh(iv.hours()),
                acc.count,
                1,
                0,
                source,
                event);
    }

    /** The register energy of the interval at {@code start} from it and its neighbours ({@link RegisterSeries#energy}). */
    private static double registerEnergy(MeterState meta, long start, IntervalAcc acc) {
        if (!acc.hasRegister()) {
            return Double
                    .NaN; // as energy() would say, without looking up the neighbours (most meters report power only)
        }
        return RegisterSeries.energy(
                meta.get(start - Q.millis()), acc, meta.get(start + Q.millis()), start, Q.millis());
    }

    /**
     * The import register as a continuous series: a rollover adds the register's range to every
     * later sample, a reset (meter swap) continues from where the old register stopped. Both, and
     * a register that went backwards (possible tampering), are flagged on the interval.
     * Classified against the newest earlier sample only; samples arriving out of order across a
     * rollover are not unwrapped (docs/decisions.md).
     */
    private double unwrapRegister(MeterSample s, MeterState meta, IntervalAcc q) {
        double raw = s.importKwh();
        if (s.ts() > meta.lastRegTs) {
            RegisterSeries.Step step = RegisterSeries.step(
                    meta.lastRegRaw, raw, rules.registerRolloverKwh(), rules.registerResetBelowKwh());
            if (step != RegisterSeries.FORWARD) {
                meta.registerOffset += step.offsetAddedKwh();
                q.registerEvent = (byte) Math.max(q.registerEvent, step.event());
                registerEvents.inc();
            }
            meta.lastRegTs = s.ts();
            meta.lastRegRaw = raw;
        }
        return raw + meta.registerOffset;
    }

    /** Fills the run of empty intervals before {@code acc}, if short enough ({@link GapFill}). */
    private void fillGapBefore(ReadOnlyContext ctx, Collector<LoadPoint> out, MeterState meta, IntervalAcc acc, long wm)
            throws Exception {
        if (acc.isEstimated()) {
            return;
        }
        long prev = meta.lastRealStart;
        long missing = GapFill.fillable(prev, acc.start, Q.millis(), rules.maxGapIntervals());
        double from = meta.lastRealKw;
        double to = acc.sumKw / acc.count;
        for (int k = 1; k <= missing; k++) {
            long gapStart = prev + k * Q.millis();
            if (meta.get(gapStart) != null) {
                continue;
            }
            IntervalAcc estimate = IntervalAcc.estimated(gapStart, GapFill.estimateKw(from, to, k, missing));
            filled.inc();
            emit(ctx, out, meta, estimate);
            if (forgotten(gapStart, Q, quarterLatenessMs, wm)) {
                foldIntoDay(ctx, meta, estimate);
            } else {
                meta.put(estimate);
                ctx.timerService().registerEventTimeTimer(gapStart + Q.millis() - 1 + quarterLatenessMs);
            }
        }
    }

    /**
     * Redraws the run of estimated intervals on one side ({@code direction} -1 or +1) of the real
     * interval at {@code realStart} between it and the real interval at the run's other end,
     * re-emitting those that change. Nothing when either end is gone from state (past its
     * lateness: an end that can no longer change) or not emitted yet (its close fills the gap).
     */
    private void refreshEstimates(
            ReadOnlyContext ctx, Collector<LoadPoint> out, MeterState meta, long realStart, int direction)
            throws Exception {
        long step = direction * Q.millis();
        java.util.List<IntervalAcc> run = new java.util.ArrayList<>();
        IntervalAcc far;
        for (long at = realStart + step; ; at += step) {
            far = meta.get(at);
            if (far == null || !far.isEstimated()) {
                break;
            }
            run.add(far);
        }
        IntervalAcc near = meta.get(realStart);
        if (run.isEmpty() || far == null || !far.emitted || near == null || !near.emitted || near.isEstimated()) {
            return;
        }
        IntervalAcc left = direction > 0 ? near : far;
        IntervalAcc right = direction > 0 ? far : near;
        double fromKw = left.sumKw / left.count;
        double toKw = right.sumKw / right.count;
        long missing = run.size();
        for (IntervalAcc e : run) {
            long k = (e.start - left.start) / Q.millis();
            double kw = GapFill.estimateKw(fromKw, toKw, k, missing);
            if (kw != e.estimatedKw) {
                e.estimatedKw = kw;
                emit(ctx, out, meta, e);
            }
        }
    }

    // ------------------------------------------------------------------ daily KPIs

    private void foldIntoDay(ReadOnlyContext ctx, MeterState meta, IntervalAcc acc) {
        long start = acc.start;
        if (!acc.emitted) {
            return;
        }
        if (meta.day != null && !meta.day.holds(start)) {
            ctx.output(
                    KPIS, meta.day.kpi(LoadPoint.LEVEL_METER, ctx.getCurrentKey(), rules.zone(), rules.kpiCalendar()));
            meta.day = null;
        }
        if (meta.day == null) {
            meta.day = DayAcc.holding(start, rules.zone(), rules.kpiCalendar());
            ctx.timerService().registerEventTimeTimer(dayCloseTime(meta.day));
        }
        meta.day.fold(start, acc.emKwAvg, acc.emKwh, acc.isEstimated(), rules.zone(), rules.kpiCalendar());
    }

    /** When the day's last 15-minute interval becomes final. */
    private long dayCloseTime(DayAcc day) {
        return day.dayEnd - 1 + quarterLatenessMs;
    }

    // ------------------------------------------------------------------ helpers

    private void scheduleTimers(ReadOnlyContext ctx, long start, long wm) {
        long end = start + Q.millis() - 1;
        if (end > wm) {
            ctx.timerService().registerEventTimeTimer(end);
        }
        ctx.timerService().registerEventTimeTimer(end + quarterLatenessMs);
    }

    /** Whether the interval at {@code start} is past its allowed lateness: no longer kept anywhere. */
    private static boolean forgotten(long start, Interval iv, long latenessMs, long wm) {
        return wm >= start + iv.millis() - 1 + latenessMs;
    }

    private void late(ReadOnlyContext ctx, MeterSample s, Interval iv) {
        late[iv.ordinal()].inc();
        ctx.output(LATE, new LateReading(s.toReading(), iv.tag()));
    }

    private RegistryEntry registryEntry(ReadOnlyContext ctx, MeterState meta, String meterId) throws Exception {
        if (meta.entryVersion != registryVersion || !meta.entryLooked) {
            meta.entry = ctx.getBroadcastState(REGISTRY).get(meterId);
            meta.entryVersion = registryVersion;
            meta.entryLooked = true;
        }
        return meta.entry;
    }

    private MeterState meterState() throws Exception {
        MeterState m = state.value();
        return m == null ? new MeterState() : m;
    }
}

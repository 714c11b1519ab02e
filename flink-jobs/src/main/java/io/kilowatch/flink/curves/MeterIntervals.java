package io.kilowatch.flink.curves;

import static io.kilowatch.flink.records.LoadDelta.micro;

import io.kilowatch.flink.records.BillingEvent;
import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.LateReading;
import io.kilowatch.flink.records.LoadDelta;
import io.kilowatch.flink.records.LoadPoint;
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
 * goes to the meter's transformer × class cell ({@link CellRollUp}), which builds the minutes and
 * writes the per-meter 1-minute points of the meters the rules name; this operator only judges a
 * reading too late for its minute (kw.late, interval 1m).
 *
 * <p>One operator and one state lookup per reading, instead of a dedup operator and window
 * operators: the 15-minute interval's list of counted timestamps is the dedup memory, kept exactly
 * as long as a reading could still change the interval.
 *
 * <p>Outputs: the meter's 15-minute {@link LoadPoint}s (main), {@link #DELTAS} for the cells and
 * roll-ups (each counted reading, each interval change), {@link #LATE} for kw.late, {@link #KPIS},
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
    public static final OutputTag<LoadDelta> DELTAS =
            new OutputTag<>("load-deltas", TypeInformation.of(LoadDelta.class));
    public static final OutputTag<LateReading> LATE =
            new OutputTag<>("late-readings", TypeInformation.of(LateReading.class));
    public static final OutputTag<DailyKpi> KPIS = new OutputTag<>("meter-kpis", TypeInformation.of(DailyKpi.class));
    /** For the tariff stage: billed meters' 15-minute energies, and demand-billed meters' counted readings. */
    public static final OutputTag<BillingEvent> BILLING = new OutputTag<>("billing", BillingEvent.wireType());

    public static final String UNREGISTERED = "unregistered";
    static final String UNREGISTERED_CELL = "-|" + UNREGISTERED;

    private static final Interval M = Interval.ONE_MINUTE;
    private static final Interval Q = Interval.FIFTEEN_MINUTES;
    private static final Interval[] INTERVALS = Interval.values();
    /** Intervals this operator keeps and times; minutes are the cells'. */
    private static final Interval[] TIMED = {Q};

    private final CurveRules rules;
    private final long[] latenessMs = new long[INTERVALS.length];

    private transient ValueState<MeterState> state;
    /** Counts registry changes seen by this instance, so a meter's entry is looked up again only after one. */
    private transient long registryVersion;

    private transient Counter duplicates;
    private transient Counter[] late;
    private transient Counter unregisteredPoints;
    private transient Counter filled;
    private transient Counter registerEvents;

    public MeterIntervals(Duration allowedLateness1m, Duration allowedLateness15m, CurveRules rules) {
        if (allowedLateness1m.compareTo(allowedLateness15m) > 0) {
            // The 15-minute interval keeps the dedup memory; it must outlive every interval it covers.
            throw new IllegalArgumentException(
                    "allowed lateness of 1-minute intervals must not exceed that of 15-minute ones");
        }
        latenessMs[M.ordinal()] = allowedLateness1m.toMillis();
        latenessMs[Q.ordinal()] = allowedLateness15m.toMillis();
        this.rules = rules;
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
        if (forgotten(Q, qStart, wm)) {
            // Too late for the 15-minute interval is too late for the 1-minute one inside it.
            late(ctx, s, M);
            late(ctx, s, Q);
            return;
        }
        MeterState meta = meterState();
        IntervalAcc q = meta.get(Q, qStart);
        if (q == null) {
            q = new IntervalAcc(qStart);
            meta.put(Q, q);
            scheduleTimers(ctx, Q, qStart, wm);
        }
        if (!q.markSeen((int) (s.ts() - qStart))) {
            duplicates.inc();
            return;
        }
        q.addKw(s.kw());
        q.addKvar(s.kvar());
        int registerChange = s.hasRegister() ? q.addRegister(s.ts(), unwrapRegister(s, meta, q)) : 0;
        if (closed(Q, qStart, wm)) {
            emit(ctx, out, meta, Q, qStart, q, wm);
        }
        // A new boundary sample changes the register energy of the neighbour on that side.
        if ((registerChange & 1) != 0) {
            reemit(ctx, out, meta, qStart - Q.millis(), wm);
        }
        if ((registerChange & 2) != 0) {
            reemit(ctx, out, meta, qStart + Q.millis(), wm);
        }

        RegistryEntry entry = registryEntry(ctx, meta, s.meterId());
        MeterState.Membership m = meta.membership(entry, s.meterId(), rules);
        if (m.billing() != null && m.billing().demandBilled()) {
            // Within seconds of the reading: the tariff stage warns of a new monthly maximum before the quarter ends.
            ctx.output(BILLING, BillingEvent.reading(entry.customerId(), s.meterId(), s.ts(), s.kw(), m.billing()));
        }
        // The 1-minute interval is built by the meter's cell: it gets the deduplicated reading.
        long mStart = M.startOf(s.ts());
        if (forgotten(M, mStart, wm)) {
            late(ctx, s, M);
        } else {
            ctx.output(
                    DELTAS,
                    LoadDelta.sample(
                            m.cell(),
                            mStart,
                            m.transformerId(),
                            m.customerClass(),
                            m.feederId(),
                            m.region(),
                            s.meterId(),
                            s.kw(),
                            m.meterCurve()));
        }
        state.update(meta);
    }

    @Override
    public void onTimer(long t, OnTimerContext ctx, Collector<LoadPoint> out) throws Exception {
        MeterState meta = state.value();
        if (meta == null) {
            return;
        }
        for (Interval iv : TIMED) {
            long closing = t + 1 - iv.millis();
            IntervalAcc acc = meta.get(iv, closing);
            if (acc != null && !acc.emitted) {
                fillGapBefore(ctx, out, meta, iv, closing, acc, t);
                emit(ctx, out, meta, iv, closing, acc, t);
            }
            long expiring = closing - latenessMs[iv.ordinal()];
            IntervalAcc old = expiring == closing ? acc : meta.get(iv, expiring);
            if (old != null) {
                if (iv == Q) {
                    foldIntoDay(ctx, meta, expiring, old);
                }
                meta.remove(iv, expiring);
            }
        }
        if (meta.day != null && t >= dayCloseTime(meta.day)) {
            ctx.output(
                    KPIS, meta.day.kpi(LoadPoint.LEVEL_METER, ctx.getCurrentKey(), rules.zone(), rules.kpiCalendar()));
            meta.day = null;
        }
        if (meta.day == null && !meta.hasIntervals()) {
            // Every interval of the meter is final and its day reported: nothing is kept. A meter
            // that comes back starts afresh; its silence was longer than any gap we fill.
            state.clear();
        } else {
            state.update(meta);
        }
    }

    // ------------------------------------------------------------------ emission

    private void emit(
            ReadOnlyContext ctx,
            Collector<LoadPoint> out,
            MeterState meta,
            Interval iv,
            long start,
            IntervalAcc acc,
            long wm)
            throws Exception {
        String meterId = ctx.getCurrentKey();
        RegistryEntry entry = registryEntry(ctx, meta, meterId);
        LoadPoint p = point(meterId, meta, iv, start, acc);
        out.collect(p);
        MeterState.Membership m = meta.membership(entry, meterId, rules);
        if (!acc.emitted) {
            acc.cell = m.cell();
            if (entry == null && iv == Q) {
                unregisteredPoints.inc();
            }
        }
        if (iv == Q && m.billing() != null) {
            ctx.output(
                    BILLING,
                    BillingEvent.interval(entry.customerId(), meterId, start, p.kwh(), p.kvarh(), m.billing()));
        }
        String transformer = transformerOf(acc.cell);
        String customerClass = classOf(acc.cell);
        ctx.output(
                DELTAS,
                LoadDelta.change(
                        LoadDelta.CELL,
                        acc.cell,
                        iv,
                        start,
                        transformer,
                        customerClass,
                        m.feederId(),
                        m.region(),
                        micro(p.kwAvg()) - micro(acc.emKwAvg),
                        micro(p.kwMax()) - micro(acc.emKwMax),
                        micro(p.kwMin()) - micro(acc.emKwMin),
                        micro(p.kwh()) - micro(acc.emKwh),
                        p.readings() - acc.emReadings,
                        p.meters() - acc.emMeters,
                        p.estimated() - acc.emEstimated));
        acc.emitted = true;
        acc.emKwAvg = p.kwAvg();
        acc.emKwMax = p.kwMax();
        acc.emKwMin = p.kwMin();
        acc.emKwh = p.kwh();
        acc.emReadings = p.readings();
        acc.emMeters = p.meters();
        acc.emEstimated = p.estimated();
        if (!acc.isEstimated() && start > meta.lastRealStart[iv.ordinal()]) {
            meta.lastRealStart[iv.ordinal()] = start;
            meta.lastRealKw[iv.ordinal()] = p.kwAvg();
        }
    }

    private void reemit(ReadOnlyContext ctx, Collector<LoadPoint> out, MeterState meta, long start, long wm)
            throws Exception {
        IntervalAcc neighbour = meta.get(Q, start);
        if (neighbour != null && neighbour.emitted) {
            emit(ctx, out, meta, Q, start, neighbour, wm);
        }
    }

    private LoadPoint point(String meterId, MeterState meta, Interval iv, long start, IntervalAcc acc)
            throws Exception {
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
        if (iv == Q) {
            double fromRegister = registerEnergy(meta, start, acc);
            if (!Double.isNaN(fromRegister)) {
                kwh = fromRegister;
                source = "register";
            }
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
                meta.get(Q, start - Q.millis()), acc, meta.get(Q, start + Q.millis()), start, Q.millis());
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

    /**
     * VEE-lite: when an interval closes after a run of at most {@code maxGapIntervals} empty ones,
     * the empty ones are filled by linear interpolation of kW between the real points either side
     * and marked estimated. Longer gaps stay empty, visible as missing points and in
     * {@code meters}.
     */
    private void fillGapBefore(
            ReadOnlyContext ctx,
            Collector<LoadPoint> out,
            MeterState meta,
            Interval iv,
            long start,
            IntervalAcc acc,
            long wm)
            throws Exception {
        long prev = meta.lastRealStart[iv.ordinal()];
        if (prev == Long.MIN_VALUE || prev >= start || acc.isEstimated()) {
            return;
        }
        long missing = (start - prev) / iv.millis() - 1;
        if (missing < 1 || missing > rules.maxGapIntervals()) {
            return;
        }
        double from = meta.lastRealKw[iv.ordinal()];
        double to = acc.sumKw / acc.count;
        for (int k = 1; k <= missing; k++) {
            long gapStart = prev + k * iv.millis();
            if (meta.get(iv, gapStart) != null) {
                continue;
            }
            IntervalAcc estimate = IntervalAcc.estimated(gapStart, from + (to - from) * k / (missing + 1));
            filled.inc();
            emit(ctx, out, meta, iv, gapStart, estimate, wm);
            if (forgotten(iv, gapStart, wm)) {
                if (iv == Q) {
                    foldIntoDay(ctx, meta, gapStart, estimate);
                }
            } else {
                meta.put(iv, estimate);
                ctx.timerService().registerEventTimeTimer(gapStart + iv.millis() - 1 + latenessMs[iv.ordinal()]);
            }
        }
    }

    // ------------------------------------------------------------------ daily KPIs

    private void foldIntoDay(ReadOnlyContext ctx, MeterState meta, long start, IntervalAcc acc) {
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
        return day.dayEnd - 1 + latenessMs[Q.ordinal()];
    }

    // ------------------------------------------------------------------ helpers

    private void scheduleTimers(ReadOnlyContext ctx, Interval iv, long start, long wm) {
        long end = start + iv.millis() - 1;
        if (end > wm) {
            ctx.timerService().registerEventTimeTimer(end);
        }
        ctx.timerService().registerEventTimeTimer(end + latenessMs[iv.ordinal()]);
    }

    private static boolean closed(Interval iv, long start, long wm) {
        return wm >= start + iv.millis() - 1;
    }

    private boolean forgotten(Interval iv, long start, long wm) {
        return wm >= start + iv.millis() - 1 + latenessMs[iv.ordinal()];
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

    /**
     * A customer meter's cell is its transformer × class. Unregistered meters and transformer-area
     * meters count at class level only: an area meter measures its customers plus the line
     * losses, so adding it to their transformer would count them twice.
     */
    static String cellOf(RegistryEntry e) {
        if (e == null) {
            return UNREGISTERED_CELL;
        }
        return RegistryEntry.isTransformerMeter(e)
                ? "-|" + RegistryEntry.TRANSFORMER_METER
                : e.transformerId() + "|" + e.customerClass();
    }

    static String transformerOf(String cell) {
        String t = cell.substring(0, cell.lastIndexOf('|'));
        return t.equals("-") ? null : t;
    }

    static String classOf(String cell) {
        return cell.substring(cell.lastIndexOf('|') + 1);
    }
}

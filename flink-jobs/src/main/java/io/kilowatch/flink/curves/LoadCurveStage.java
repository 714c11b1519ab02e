package io.kilowatch.flink.curves;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.functions.KeepEventTimeRange;
import io.kilowatch.flink.functions.KeepWholeDays;
import io.kilowatch.flink.functions.RunningCount;
import io.kilowatch.flink.influx.LineProtocol;
import io.kilowatch.flink.records.AggregateChange;
import io.kilowatch.flink.records.CellSample;
import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.EventTimeRange;
import io.kilowatch.flink.records.LateReading;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.flink.records.MemberChange;
import io.kilowatch.flink.records.MeterSample;
import io.kilowatch.flink.wiring.StageInputs;
import io.kilowatch.model.Reading;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Load curves: readings → per meter (keyed, with the registry as broadcast state): dedup by
 * (meterId, ts), 15-minute intervals, register energy, gap filling, daily KPIs, and each counted
 * reading to its transformer × class cell, which builds the 1-minute intervals ({@link MinuteCells}),
 * and each change of a meter's quarter to the cell's quarters ({@link QuarterCells}) → roll-ups to
 * transformer, feeder, region and customer class → {@code load}, {@code daily_kpi} and
 * {@code pipeline} points, each meter's quarter hours a day and a week later ({@code load_compare}), where each meter sits → {@code registry} points (the dashboards'
 * variables), and each day's growth and consumption band per customer and grid member →
 * {@code insight} points. Readings too late for their interval go to the late sink.
 */
public final class LoadCurveStage {

    /**
     * A late reading within its interval's allowed lateness updates the closed interval (the
     * point is written again and overwritten in InfluxDB); later than that goes to kw.late.
     * Duplicates are recognised for as long as their interval is kept, which is that long too.
     */
    public record Params(
            Duration allowedLateness1m,
            Duration allowedLateness15m,
            CurveRules rules,
            InsightRules insight,
            List<Duration> compareShifts,
            Duration demandReadingsFrom)
            implements Serializable {
        /** What {@code curves.compare-shifts} is by default: yesterday and the same day last week. */
        public static final List<Duration> DEFAULT_COMPARE_SHIFTS = List.of(Duration.ofDays(1), Duration.ofDays(7));

        public Params(Duration allowedLateness1m, Duration allowedLateness15m, CurveRules rules) {
            this(allowedLateness1m, allowedLateness15m, rules, InsightRules.defaults(), DEFAULT_COMPARE_SHIFTS);
        }

        /** Every demand-billed reading goes to the tariff stage (its warning's minimum minutes are not known here). */
        public Params(
                Duration allowedLateness1m,
                Duration allowedLateness15m,
                CurveRules rules,
                InsightRules insight,
                List<Duration> compareShifts) {
            this(allowedLateness1m, allowedLateness15m, rules, insight, compareShifts, Duration.ZERO);
        }

        public Params {
            compareShifts = List.copyOf(compareShifts);
            compareShifts.forEach(ShiftedLoad::name); // whole minutes, positive: refused now, not when the job runs
            if (allowedLateness1m.compareTo(allowedLateness15m) > 0) {
                throw new IllegalArgumentException("time.allowed-lateness.1m (" + allowedLateness1m
                        + ") must not exceed time.allowed-lateness.15m (" + allowedLateness15m
                        + "): the 15-minute interval holds the dedup memory of the minutes inside it");
            }
        }

        public static Params from(JobConfig c) {
            return new Params(
                    c.allowedLateness1m(),
                    c.allowedLateness15m(),
                    c.rules(),
                    c.insightRules(),
                    c.compareShifts(),
                    // the demand warning waits this much of a quarter: readings before it need not cross
                    Duration.ofMillis(Math.round(c.tariffRules().warningMinMinutes() * 60_000)));
        }

        /** Without lateness: a reading later than the watermark goes to kw.late (tests of on-time behaviour). */
        public static Params onTimeOnly() {
            return new Params(Duration.ZERO, Duration.ZERO, CurveRules.defaults());
        }

        public Params withRules(CurveRules r) {
            return new Params(allowedLateness1m, allowedLateness15m, r, insight, compareShifts, demandReadingsFrom);
        }
    }

    /** What the stage computes, before the sinks: tests and later stages read these. */
    public record Curves(
            DataStream<LoadPoint> points,
            DataStream<DailyKpi> kpis,
            DataStream<LateReading> late,
            SingleOutputStreamOperator<LoadPoint> meters) {}

    private final Params params;
    private final Sink<String> influx;
    private final Sink<LateReading> lateSink;
    private final EventTimeRange range;

    /**
     * @param influx receives line protocol: {@code load}, {@code daily_kpi} and {@code pipeline} points
     * @param lateSink readings too late for their interval (kw.late in production)
     */
    public LoadCurveStage(Params params, Sink<String> influx, Sink<LateReading> lateSink) {
        this(params, influx, lateSink, null);
    }

    private LoadCurveStage(Params params, Sink<String> influx, Sink<LateReading> lateSink, EventTimeRange range) {
        this.params = params;
        this.influx = influx;
        this.lateSink = lateSink;
        this.range = range;
    }

    /** The same stage counting only readings in {@code r}: a backfill. */
    public LoadCurveStage restrictedTo(EventTimeRange r) {
        return new LoadCurveStage(params, influx, lateSink, r);
    }

    public EventTimeRange range() {
        return range;
    }

    public Curves build(StageInputs in) {
        DataStream<Reading> readings = in.readings();
        if (range != null) {
            readings =
                    readings.filter(new KeepEventTimeRange(range)).name("keep " + range.from() + " .. " + range.to());
        }
        DataStream<MeterSample> samples =
                readings.map(MeterSample::of).name("to samples").uid("to-samples");

        SingleOutputStreamOperator<LoadPoint> meters = samples.keyBy(MeterSample::meterId)
                .connect(in.registry())
                .process(new MeterIntervals(
                        params.allowedLateness1m(),
                        params.allowedLateness15m(),
                        params.rules(),
                        params.demandReadingsFrom()))
                .name("meter intervals")
                .uid("meter-intervals");
        SingleOutputStreamOperator<AggregateChange> minutes = meters.getSideOutput(MeterIntervals.SAMPLES)
                .keyBy(CellSample::cell)
                .process(new MinuteCells(params.allowedLateness1m()))
                .name("cells' minutes")
                .uid("cell-minutes");
        DataStream<AggregateChange> quarters = meters.getSideOutput(MeterIntervals.CHANGES)
                .keyBy(MemberChange::cell)
                .process(new QuarterCells())
                .name("cells' quarters")
                .uid("cell-quarters");
        SingleOutputStreamOperator<LoadPoint> aggregates = minutes.union(quarters)
                .keyBy(AggregateChange::key)
                .process(new LevelRollUp(params.allowedLateness1m(), params.allowedLateness15m(), params.rules()))
                .name("roll-ups")
                .uid("level-roll-up");

        DataStream<LoadPoint> points = meters.union(minutes.getSideOutput(MinuteCells.METER_POINTS), aggregates);
        DataStream<DailyKpi> kpis =
                meters.getSideOutput(MeterIntervals.KPIS).union(aggregates.getSideOutput(LevelRollUp.KPIS));
        if (range != null) {
            // A backfill sees only part of the days at its edges; their KPIs would be partial.
            kpis = kpis.filter(new KeepWholeDays(range)).name("whole days only");
        }
        DataStream<LateReading> late = meters.getSideOutput(MeterIntervals.LATE);

        DataStream<String> lines = points.map(LineProtocol::load)
                .name("load lines")
                .union(points.flatMap(new ShiftedLoad(params.compareShifts())).name("load_compare lines"))
                .union(kpis.map(LineProtocol::dailyKpi).name("daily_kpi lines"))
                .union(late.keyBy(LateReading::interval)
                        .process(new RunningCount<LateReading>("load-curves", "late_"))
                        .name("count late")
                        .uid("count-late")
                        .map(LineProtocol::pipeline)
                        .name("pipeline lines"))
                .union(readings.process(new io.kilowatch.flink.functions.ReadingsBehind("load-curves"))
                        .name("readings behind")
                        .map(LineProtocol::pipeline)
                        .name("pipeline lines"))
                // Not the empty registry's placeholder (no meter): a tag without a value is a line
                // InfluxDB refuses, with its whole batch.
                .union(in.registryUpdates()
                        .filter(u -> !u.meterId().isEmpty())
                        .name("registry of meters")
                        .map(LineProtocol::registry)
                        .name("registry lines"))
                .union(insights(kpis, in).map(LineProtocol::insight).name("insight lines"));
        lines.sinkTo(influx).name("influxdb").uid("influx-sink");
        late.sinkTo(lateSink).name("late readings").uid("late-sink");
        return new Curves(points, kpis, late, meters);
    }

    /** Each day's insight per customer (ranked among the day's customers) and per grid member. */
    private DataStream<io.kilowatch.flink.records.InsightPoint> insights(DataStream<DailyKpi> kpis, StageInputs in) {
        SingleOutputStreamOperator<io.kilowatch.flink.records.InsightPoint> days = kpis.filter(
                        k -> Insights.LEVELS.contains(k.level()))
                .name("insight levels")
                .keyBy(Insights::key)
                .connect(in.registry())
                .process(new Insights(params.insight()))
                .name("marketing insight")
                .uid("insights");
        DataStream<io.kilowatch.flink.records.InsightPoint> customers = days.filter(
                        p -> p.level().equals("meter"))
                .name("customers")
                .keyBy(io.kilowatch.flink.records.InsightPoint::dayStart)
                .process(new InsightRanks())
                .name("rank by growth")
                .uid("insight-ranks");
        return customers.union(days.filter(p -> !p.level().equals("meter")).name("grid members"));
    }
}

package io.kilowatch.flink.tariffs;

import io.kilowatch.flink.curves.LoadCurveStage;
import io.kilowatch.flink.curves.MeterIntervals;
import io.kilowatch.flink.influx.LineProtocol;
import io.kilowatch.flink.records.BillPoint;
import io.kilowatch.flink.records.BillingEvent;
import io.kilowatch.flink.records.EventTimeRange;
import io.kilowatch.flink.records.RevenueDelta;
import io.kilowatch.flink.records.RevenuePoint;
import io.kilowatch.flink.records.TariffUpdate;
import io.kilowatch.model.Hint;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The tariff advisor: the load curves' 15-minute meter energies (and demand-billed meters'
 * readings), keyed by customer, with the tariff catalogue as broadcast state → shadow bills
 * under every eligible plan ({@code bills}), hints in money ({@code tariff_hints} and kw.hints,
 * which the ingest relays to each customer) and revenue per class, region and feeder
 * ({@code revenue}). docs/tariffs.md has the rules.
 */
public final class TariffStage {
    private final TariffParams params;
    private final Sink<String> influx;
    private final Sink<Hint> hintSink;
    private final EventTimeRange range;

    /** What the stage computes, before the sinks: tests collect these. */
    public record Outputs(DataStream<BillPoint> bills, DataStream<Hint> hints) {}

    public TariffStage(TariffParams params, Sink<String> influx, Sink<Hint> hintSink) {
        this(params, influx, hintSink, null);
    }

    private TariffStage(TariffParams params, Sink<String> influx, Sink<Hint> hintSink, EventTimeRange range) {
        this.params = params;
        this.influx = influx;
        this.hintSink = hintSink;
        this.range = range;
    }

    /**
     * A backfill: only months wholly inside {@code r} are written (a bill point is the whole
     * month's; a part of it would overwrite it), and no hints are sent again.
     */
    public TariffStage restrictedTo(EventTimeRange r) {
        return new TariffStage(params, influx, hintSink, r);
    }

    public Outputs build(LoadCurveStage.Curves curves, BroadcastStream<TariffUpdate> tariffs) {
        DataStream<BillingEvent> usage = curves.meters().getSideOutput(MeterIntervals.BILLING);
        SingleOutputStreamOperator<BillPoint> bills = usage.keyBy(BillingEvent::customerId)
                .connect(tariffs)
                .process(new ShadowBills(params))
                .name("shadow bills and hints")
                .uid("shadow-bills");
        DataStream<BillPoint> written =
                range == null ? bills : bills.filter(new WholeMonths(range)).name("whole months only");
        DataStream<Hint> hints = bills.getSideOutput(ShadowBills.HINTS);
        DataStream<RevenuePoint> revenue = bills.getSideOutput(ShadowBills.REVENUE)
                .keyBy(RevenueDelta::key)
                .process(new RevenueRollUp())
                .name("revenue roll-up")
                .uid("revenue-roll-up");
        if (range != null) {
            revenue = revenue.filter(new WholeMonthsOfRevenue(range)).name("whole months only");
        }
        DataStream<String> lines = written.map(LineProtocol::bill)
                .name("bills lines")
                .union(written.process(
                                new io.kilowatch.flink.functions.SubtaskCount<BillPoint>("tariffs", "bills_written"))
                        .name("count bills")
                        .map(LineProtocol::pipeline)
                        .name("pipeline lines"))
                .union(revenue.map(LineProtocol::revenue).name("revenue lines"));
        if (range == null) {
            // Hints counted by kind for the pipeline dashboard (bills per subtask above: a shuffle of every bill point
            // to count them would cost the stage more than it tells).
            lines = lines.union(hints.map(LineProtocol::hint).name("tariff_hints lines"))
                    .union(hints.keyBy(Hint::kind)
                            .process(new io.kilowatch.flink.functions.RunningCount<Hint>("tariffs", "hints_"))
                            .name("count hints")
                            .uid("count-hints")
                            .map(LineProtocol::pipeline)
                            .name("pipeline lines"));
            hints.sinkTo(hintSink).name("kw.hints").uid("hints-kafka-sink");
        }
        lines.sinkTo(influx).name("influxdb tariffs").uid("tariffs-influx-sink");
        return new Outputs(bills, hints);
    }

    /** Revenue of months that lie wholly inside a backfill's range. */
    static final class WholeMonthsOfRevenue implements FilterFunction<RevenuePoint> {
        private final EventTimeRange range;

        WholeMonthsOfRevenue(EventTimeRange range) {
            this.range = range;
        }

        @Override
        public boolean filter(RevenuePoint r) {
            return WholeMonths.inside(range, r.month(), r.monthStart());
        }
    }

    /** Bills of months that lie wholly inside a backfill's range. */
    static final class WholeMonths implements FilterFunction<BillPoint> {
        private final long from;
        private final long to;

        WholeMonths(EventTimeRange r) {
            this.from = r.from().toEpochMilli();
            this.to = r.to().toEpochMilli();
        }

        @Override
        public boolean filter(BillPoint b) {
            return inside(from, to, b.month(), b.monthStart());
        }

        static boolean inside(EventTimeRange r, String month, long monthStart) {
            return inside(r.from().toEpochMilli(), r.to().toEpochMilli(), month, monthStart);
        }

        /** The month's end is its start plus its days, within the hour a daylight-saving change moves it. */
        private static boolean inside(long from, long to, String month, long monthStart) {
            long end = monthStart + (long) java.time.YearMonth.parse(month).lengthOfMonth() * 86_400_000L;
            return monthStart >= from && end <= to + 3_600_000L;
        }
    }
}

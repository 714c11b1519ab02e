package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.CellSample;
import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.LateReading;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.flink.records.MemberChange;
import io.kilowatch.flink.records.MeterSample;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.model.RegistryEntry;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;

/** {@link MeterIntervals} in Flink's operator harness, with the registry side's watermark at the end of time. */
final class MeterHarness implements AutoCloseable {
    final KeyedBroadcastOperatorTestHarness<String, MeterSample, RegistryUpdate, LoadPoint> h;

    MeterHarness(Duration lateness1m, Duration lateness15m, CurveRules rules) throws Exception {
        this(lateness1m, lateness15m, rules, Duration.ZERO);
    }

    MeterHarness(Duration lateness1m, Duration lateness15m, CurveRules rules, Duration demandReadingsFrom)
            throws Exception {
        h = ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new MeterIntervals(lateness1m, lateness15m, rules, demandReadingsFrom),
                MeterSample::meterId,
                Types.STRING,
                MeterIntervals.REGISTRY);
        h.processBroadcastWatermark(Long.MAX_VALUE);
    }

    void register(String meter, String customer, String customerClass, String transformer, String feeder, String region)
            throws Exception {
        h.processBroadcastElement(
                new RegistryUpdate(
                        meter,
                        new RegistryEntry(
                                meter, customer, customerClass, transformer, feeder, region, "flat", 10, 400, 230, 1)),
                0);
    }

    /** A meter of a customer billed on its maximum demand (two-part plan, demand basis). */
    void registerDemandBilled(String meter, String customer) throws Exception {
        h.processBroadcastElement(
                new RegistryUpdate(
                        meter,
                        new RegistryEntry(
                                        meter,
                                        customer,
                                        "industrial",
                                        "T1",
                                        "F1",
                                        "R1",
                                        "hb-ic-10kv-2part",
                                        315,
                                        630,
                                        230,
                                        3)
                                .withBilling("1-10kV", "demand", null)),
                0);
    }

    void push(String meter, long ts, double kw) throws Exception {
        push(meter, ts, kw, Double.NaN);
    }

    void push(String meter, long ts, double kw, double registerKwh) throws Exception {
        h.processElement(new StreamRecord<>(new MeterSample(meter, ts, kw, registerKwh), ts));
    }

    void watermark(long wm) throws Exception {
        h.processWatermark(wm);
    }

    List<LoadPoint> points() {
        return h.extractOutputValues();
    }

    List<LoadPoint> points(String interval) {
        return points().stream().filter(p -> p.interval().equals(interval)).toList();
    }

    /** The newest point of each (meter, interval, start): what InfluxDB holds after overwrites. */
    LoadPoint latest(String meter, String interval, long start) {
        LoadPoint found = null;
        for (LoadPoint p : points()) {
            if (p.id().equals(meter) && p.interval().equals(interval) && p.windowStart() == start) {
                found = p;
            }
        }
        return found;
    }

    <X> List<X> side(OutputTag<X> tag) {
        var q = h.getSideOutput(tag);
        return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
    }

    List<CellSample> samples() {
        return side(MeterIntervals.SAMPLES);
    }

    List<MemberChange> changes() {
        return side(MeterIntervals.CHANGES);
    }

    List<LateReading> late() {
        return side(MeterIntervals.LATE);
    }

    List<io.kilowatch.flink.records.BillingEvent> billing() {
        return side(MeterIntervals.BILLING);
    }

    List<DailyKpi> kpis() {
        return side(MeterIntervals.KPIS);
    }

    int keyedStateEntries() {
        return ((HeapKeyedStateBackend<?>) h.getOperator().getKeyedStateBackend()).numKeyValueStateEntries();
    }

    int timers() {
        return h.numEventTimeTimers();
    }

    @Override
    public void close() throws Exception {
        h.close();
    }
}

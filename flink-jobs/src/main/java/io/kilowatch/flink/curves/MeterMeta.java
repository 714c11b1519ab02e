package io.kilowatch.flink.curves;

/**
 * A meter's state across intervals: the last real point of each interval length (to fill
 * gaps), the newest register sample and the offset that unwraps rollovers and resets, and the
 * local day being folded into KPIs. A mutable POJO so Flink keeps it without Kryo.
 */
public class MeterMeta {
    /** Per Interval ordinal: start and kW of the newest interval emitted from real readings. */
    public long[] lastRealStart = {Long.MIN_VALUE, Long.MIN_VALUE};
    public double[] lastRealKw = {Double.NaN, Double.NaN};
    public long lastRegTs = Long.MIN_VALUE;
    public double lastRegRaw = Double.NaN;
    public double registerOffset;
    public DayAcc day;

    public MeterMeta() {}
}

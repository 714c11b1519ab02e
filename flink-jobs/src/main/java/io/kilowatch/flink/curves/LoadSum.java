package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.LoadDelta;

/** Running sums of an aggregate's fields for one interval, power and energy in micro-units (exact). A mutable POJO so Flink keeps it without Kryo. */
public class LoadSum {
    public long kwAvg;
    public long kwMax;
    public long kwMin;
    public long kwh;
    public long readings;
    public long meters;
    public long estimated;

    public LoadSum() {}

    void add(LoadDelta d) {
        kwAvg += d.kwAvgMicro();
        kwMax += d.kwMaxMicro();
        kwMin += d.kwMinMicro();
        kwh += d.kwhMicro();
        readings += d.readings();
        meters += d.meters();
        estimated += d.estimated();
    }
}

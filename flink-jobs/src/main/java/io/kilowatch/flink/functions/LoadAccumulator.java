package io.kilowatch.flink.functions;

/** Running sum, extremes and count of kW in one window of one meter. A mutable POJO so Flink keeps it without Kryo. */
public class LoadAccumulator {
    public long count;
    public double sumKw;
    public double maxKw = Double.NEGATIVE_INFINITY;
    public double minKw = Double.POSITIVE_INFINITY;

    public LoadAccumulator() {}

    void add(double kw) {
        count++;
        sumKw += kw;
        maxKw = Math.max(maxKw, kw);
        minKw = Math.min(minKw, kw);
    }

    LoadAccumulator merge(LoadAccumulator o) {
        count += o.count;
        sumKw += o.sumKw;
        maxKw = Math.max(maxKw, o.maxKw);
        minKw = Math.min(minKw, o.minKw);
        return this;
    }
}

package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.Interval;
import io.kilowatch.flink.records.LoadSums;
import java.util.Arrays;
import java.util.HashMap;

/**
 * One minute of one transformer × class cell: each meter's readings of the minute (sum, count,
 * extremes), so the cell can average each meter and sum the meters when the minute closes. The
 * first {@code n} slots of the arrays are in use. A mutable POJO so Flink keeps it without Kryo.
 */
public class MinuteCell {
    public int n;
    public String[] meters = new String[4];
    public double[] sum = new double[4];
    public double[] max = new double[4];
    public double[] min = new double[4];
    public long[] count = new long[4];
    public boolean[] curve = new boolean[4];
    /** The minute's total has gone to the aggregates: a later reading goes as the change it makes. */
    public boolean sent;
    /** meter → slot; not checkpointed (transient), rebuilt on first use after a restore or a copy. */
    private transient HashMap<String, Integer> index;

    public MinuteCell() {}

    /** Adds a reading; returns the meter's slot. */
    int add(String meter, double kw, boolean meterCurve) {
        int i = indexOf(meter);
        if (i < 0) {
            i = n++;
            if (i == meters.length) {
                int capacity = meters.length * 2;
                meters = Arrays.copyOf(meters, capacity);
                sum = Arrays.copyOf(sum, capacity);
                max = Arrays.copyOf(max, capacity);
                min = Arrays.copyOf(min, capacity);
                count = Arrays.copyOf(count, capacity);
                curve = Arrays.copyOf(curve, capacity);
            }
            meters[i] = meter;
            max[i] = Double.NEGATIVE_INFINITY;
            min[i] = Double.POSITIVE_INFINITY;
            index.put(meter, i);
        }
        sum[i] += kw;
        max[i] = Math.max(max[i], kw);
        min[i] = Math.min(min[i], kw);
        count[i]++;
        curve[i] |= meterCurve;
        return i;
    }

    int indexOf(String meter) {
        if (index == null) {
            index = new HashMap<>(Math.max(16, n * 2));
            for (int i = 0; i < n; i++) {
                index.put(meters[i], i);
            }
        }
        Integer i = index.get(meter);
        return i == null ? -1 : i;
    }

    double avg(int i) {
        return sum[i] / count[i];
    }

    /** The meter in slot {@code i}'s share of the cell's minute: its mean, extremes and energy, one meter. */
    LoadSums share(int i) {
        double avg = avg(i);
        return LoadSums.member(avg, max[i], min[i], avg * Interval.ONE_MINUTE.hours(), count[i], 1, 0);
    }

    /** The cell's minute: the sum of its meters' shares. */
    LoadSums total() {
        LoadSums t = LoadSums.ZERO;
        for (int i = 0; i < n; i++) {
            t = t.plus(share(i));
        }
        return t;
    }
}

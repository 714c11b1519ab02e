package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.InsightPoint;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.model.RegistryEntry;
import java.util.Arrays;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Marketing insight from the daily KPIs (docs/insight.md): keyed by level and id (a customer's
 * meter, a transformer, a feeder, a region), each closed day's energy and peak go into a ring of
 * the last two windows; each day is then one {@link InsightPoint}: the window's energy against
 * the window before (growth), its peak against the window before (capacity planning), and for a
 * customer its consumption band; and this calendar month's energy a day against the same month a
 * year before. A recomputed day (late data) is put in again and its point overwritten. State per
 * member: two windows of daily energy and peak (2 × 2 × 28 doubles) and 13 months' energy.
 */
public class Insights extends KeyedBroadcastProcessFunction<String, DailyKpi, RegistryUpdate, InsightPoint> {
    /** The levels insight is kept for: customers (their meters) and the grid's. */
    public static final Set<String> LEVELS = Set.of("meter", "transformer", "feeder", "region");

    private static final long DAY_MS = 86_400_000L;

    /** The last two windows of one member. A POJO in keyed state. */
    public static class Days {
        public long[] day;
        public double[] kwh;
        public double[] peak;
        /** The last 13 calendar months (year × 12 + month − 1, or MIN_VALUE): their energy and days seen. */
        public int[] month;

        public double[] monthKwh;
        public int[] monthDays;

        public Days() {}

        Days(int slots) {
            day = new long[slots];
            Arrays.fill(day, Long.MIN_VALUE);
            kwh = new double[slots];
            peak = new double[slots];
            month = new int[MONTHS];
            Arrays.fill(month, Integer.MIN_VALUE);
            monthKwh = new double[MONTHS];
            monthDays = new int[MONTHS];
        }
    }

    /** Months kept: this one and the same one a year before. */
    private static final int MONTHS = 13;
    /** Days a month of last year must have been seen on to compare with. */
    private static final int MIN_MONTH_DAYS = 20;

    private final InsightRules rules;
    private transient ValueState<Days> days;

    public Insights(InsightRules rules) {
        this.rules = rules;
    }

    /** The key of a KPI: its level and id. */
    public static String key(DailyKpi k) {
        return k.level() + "|" + k.id();
    }

    @Override
    public void open(OpenContext ctx) {
        days = getRuntimeContext().getState(new ValueStateDescriptor<>("insight-days", TypeInformation.of(Days.class)));
    }

    @Override
    public void processBroadcastElement(RegistryUpdate u, Context ctx, Collector<InsightPoint> out) throws Exception {
        u.applyTo(ctx.getBroadcastState(MeterIntervals.REGISTRY));
    }

    @Override
    public void processElement(DailyKpi k, ReadOnlyContext ctx, Collector<InsightPoint> out) throws Exception {
        RegistryEntry entry = null;
        if (k.level().equals("meter")) {
            entry = ctx.getBroadcastState(MeterIntervals.REGISTRY).get(k.id());
            if (entry == null || RegistryEntry.isTransformerMeter(entry)) {
                return; // an area meter is the grid's, and an unknown meter is nobody's customer
            }
        }
        int w = rules.windowDays();
        Days d = days.value();
        if (d == null) {
            d = new Days(2 * w);
        }
        // The local day's number: its start is local midnight, within ±14 h of UTC midnight.
        long n = Math.floorDiv(k.dayStart() + DAY_MS / 2, DAY_MS);
        int slot = (int) Math.floorMod(n, 2L * w);
        addToMonth(d, n, d.day[slot] == n ? d.kwh[slot] : Double.NaN, k.kwh());
        d.day[slot] = n;
        d.kwh[slot] = k.kwh();
        d.peak[slot] = k.peakKw();
        days.update(d);
        out.collect(point(k, entry, d, n));
    }

    /** The day's energy into its calendar month; a day seen again (recomputed) replaces what it added. */
    private static void addToMonth(Days d, long n, double before, double kwh) {
        int m = monthOf(n);
        int slot = Math.floorMod(m, MONTHS);
        if (d.month[slot] != m) {
            d.month[slot] = m;
            d.monthKwh[slot] = 0;
            d.monthDays[slot] = 0;
        }
        if (Double.isNaN(before)) {
            d.monthKwh[slot] += kwh;
            d.monthDays[slot]++;
        } else {
            d.monthKwh[slot] += kwh - before;
        }
    }

    private static int monthOf(long localDay) {
        java.time.LocalDate date = java.time.LocalDate.ofEpochDay(localDay);
        return date.getYear() * 12 + date.getMonthValue() - 1;
    }

    /** This month's energy a day against the same month's a year before (seen on at least {@link #MIN_MONTH_DAYS} days) − 1. */
    private static double growthOnLastYear(Days d, long n) {
        int m = monthOf(n);
        int now = Math.floorMod(m, MONTHS);
        int then = Math.floorMod(m - 12, MONTHS);
        if (d.month[now] != m
                || d.month[then] != m - 12
                || d.monthDays[then] < MIN_MONTH_DAYS
                || d.monthKwh[then] <= 0) {
            return Double.NaN;
        }
        return (d.monthKwh[now] / d.monthDays[now]) / (d.monthKwh[then] / d.monthDays[then]) - 1;
    }

    InsightPoint point(DailyKpi k, RegistryEntry entry, Days d, long n) {
        int w = rules.windowDays();
        Window now = window(d, n - w + 1, n);
        Window before = window(d, n - 2 * w + 1, n - w);
        boolean complete = now.days == w && before.days == w;
        double growth = complete && before.kwh > 0 ? now.kwh / before.kwh - 1 : Double.NaN;
        double peakGrowth = complete && before.peak > 0 ? now.peak / before.peak - 1 : Double.NaN;
        double month = now.days == 0 ? Double.NaN : now.kwh * 30 / now.days;
        String cls = entry == null ? null : entry.customerClass();
        return new InsightPoint(
                k.level(),
                k.id(),
                entry == null ? null : entry.customerId(),
                cls,
                k.dayStart(),
                now.kwh,
                before.days == 0 ? Double.NaN : before.kwh,
                growth,
                now.peak,
                before.days == 0 ? Double.NaN : before.peak,
                peakGrowth,
                month,
                rules.segment(cls, month),
                w,
                now.days,
                0,
                0,
                growthOnLastYear(d, n));
    }

    private record Window(double kwh, double peak, int days) {}

    private static Window window(Days d, long from, long to) {
        double kwh = 0;
        double peak = 0;
        int n = 0;
        for (int i = 0; i < d.day.length; i++) {
            if (d.day[i] >= from && d.day[i] <= to) {
                kwh += d.kwh[i];
                peak = Math.max(peak, d.peak[i]);
                n++;
            }
        }
        return new Window(kwh, peak, n);
    }
}

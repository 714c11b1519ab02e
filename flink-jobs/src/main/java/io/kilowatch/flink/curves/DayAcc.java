package io.kilowatch.flink.curves;

import io.kilowatch.flink.records.DailyKpi;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * One local day of a member's final 15-minute points, folded as they become final (when their
 * allowed lateness has passed), so a day needs a few numbers of state, not 96 points. A mutable
 * POJO so Flink keeps it without Kryo.
 */
public class DayAcc {
    public long dayStart;
    public long dayEnd;
    public double peakKw = Double.NEGATIVE_INFINITY;
    public long peakTs;
    public double valleyKw = Double.POSITIVE_INFINITY;
    public long valleyTs;
    public double sumKw;
    public double kwh;
    public long intervals;
    public long estimated;
    public double[] kwhByPeriod;

    public DayAcc() {}

    /** The empty day (in {@code zone}) that holds the instant {@code ts}, with the periods of its date's calendar. */
    static DayAcc holding(long ts, ZoneId zone, KpiCalendar calendar) {
        LocalDate date = Instant.ofEpochMilli(ts).atZone(zone).toLocalDate();
        DayAcc d = new DayAcc();
        d.dayStart = date.atStartOfDay(zone).toInstant().toEpochMilli();
        d.dayEnd = date.plusDays(1).atStartOfDay(zone).toInstant().toEpochMilli();
        d.kwhByPeriod = new double[calendar.on(date).periods().size()];
        return d;
    }

    boolean holds(long ts) {
        return ts >= dayStart && ts < dayEnd;
    }

    /** Adds a final 15-minute point that starts at {@code start}. */
    void fold(long start, double kwAvg, double intervalKwh, boolean wasEstimated, ZoneId zone, KpiCalendar calendar) {
        if (kwAvg > peakKw) {
            peakKw = kwAvg;
            peakTs = start;
        }
        if (kwAvg < valleyKw) {
            valleyKw = kwAvg;
            valleyTs = start;
        }
        sumKw += kwAvg;
        kwh += intervalKwh;
        intervals++;
        if (wasEstimated) {
            estimated++;
        }
        ZonedDateTime local = Instant.ofEpochMilli(start).atZone(zone);
        kwhByPeriod[calendar.on(local.toLocalDate()).periodAt(local.toLocalDate(), local.toLocalTime())] += intervalKwh;
    }

    DailyKpi kpi(String level, String id, ZoneId zone, KpiCalendar calendar) {
        double avg = sumKw / intervals;
        double loadFactor = peakKw > 0 ? avg / peakKw : 0;
        double peakValley = peakKw > 0 ? (peakKw - valleyKw) / peakKw : 0;
        return new DailyKpi(
                level,
                id,
                dayStart,
                dayEnd,
                peakKw,
                peakTs,
                valleyKw,
                valleyTs,
                avg,
                loadFactor,
                peakValley,
                kwh,
                intervals,
                estimated,
                calendar.on(Instant.ofEpochMilli(dayStart).atZone(zone).toLocalDate())
                        .periods()
                        .toArray(String[]::new),
                kwhByPeriod.clone());
    }
}

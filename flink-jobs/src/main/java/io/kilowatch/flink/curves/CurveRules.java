package io.kilowatch.flink.curves;

import io.kilowatch.model.RegistryEntry;
import java.io.Serializable;
import java.time.ZoneId;
import java.util.Set;

/**
 * What the load curves do with what they are given, besides time (see LoadCurveStage.Params):
 * gap filling, register handling, the local day and time-of-use calendar of the KPIs, and which
 * meters get per-meter 1-minute curves in InfluxDB (DESIGN.md's cardinality rule: every meter
 * at 15 minutes, only configured ones at 1 minute; every meter still counts in the 1-minute
 * aggregates). The class {@code unregistered} names meters the registry does not know.
 *
 * @param maxGapIntervals longest run of empty intervals filled by interpolation (0 = never fill)
 * @param registerRolloverKwh where the import register wraps to zero (e.g. 1,000,000 for six digits of kWh)
 * @param registerResetBelowKwh a register that drops to below this is a new meter (swap), not tampering
 */
public record CurveRules(
        int maxGapIntervals,
        double registerRolloverKwh,
        double registerResetBelowKwh,
        ZoneId zone,
        KpiCalendar kpiCalendar,
        Set<String> meterMinuteClasses,
        Set<String> meterMinuteIds)
        implements Serializable {

    public CurveRules {
        if (maxGapIntervals < 0) {
            throw new IllegalArgumentException("gaps.max-intervals must be >= 0");
        }
        if (!(registerRolloverKwh > 0)
                || !(registerResetBelowKwh >= 0)
                || registerResetBelowKwh >= registerRolloverKwh / 10) {
            throw new IllegalArgumentException(
                    "register.rollover-kwh must be > 0 and register.reset-below-kwh in [0, rollover/10)");
        }
        meterMinuteClasses = Set.copyOf(meterMinuteClasses);
        meterMinuteIds = Set.copyOf(meterMinuteIds);
    }

    public static CurveRules defaults() {
        return new CurveRules(
                4,
                1_000_000,
                10,
                ZoneId.of("Asia/Shanghai"),
                KpiCalendar.sampleDefault(),
                Set.of("industrial", "transformer"),
                Set.of());
    }

    public CurveRules withZone(ZoneId z) {
        return new CurveRules(
                maxGapIntervals,
                registerRolloverKwh,
                registerResetBelowKwh,
                z,
                kpiCalendar,
                meterMinuteClasses,
                meterMinuteIds);
    }

    public CurveRules withMaxGap(int intervals) {
        return new CurveRules(
                intervals,
                registerRolloverKwh,
                registerResetBelowKwh,
                zone,
                kpiCalendar,
                meterMinuteClasses,
                meterMinuteIds);
    }

    public CurveRules withMeterMinutes(Set<String> classes, Set<String> ids) {
        return new CurveRules(
                maxGapIntervals, registerRolloverKwh, registerResetBelowKwh, zone, kpiCalendar, classes, ids);
    }

    public boolean meterMinuteCurve(String meterId, RegistryEntry entry) {
        return meterMinuteIds.contains(meterId)
                || meterMinuteClasses.contains(
                        entry == null ? io.kilowatch.flink.records.Cell.UNREGISTERED_CLASS : entry.customerClass());
    }
}

package io.kilowatch.flink.records;

/**
 * The {@code insight} measurement (marketing insight, docs/insight.md): one member's day — a
 * customer's meter, a transformer, a feeder or a region — with its energy over the last
 * {@code windowDays} whole days against the window before, and its consumption band.
 *
 * @param customer the meter's customer, null for grid levels
 * @param customerClass the meter's class, null for grid levels
 * @param dayStart the local day's start (the point's time): the window ends with this day
 * @param kwh energy over the window's days that were seen, kWh
 * @param kwhBefore over the window before, kWh
 * @param growth kwh / kwhBefore − 1, NaN unless both windows are complete and kwhBefore > 0
 * @param peakKw highest daily peak in the window, kW; {@code peakBeforeKw} in the window before
 * @param peakGrowth peakKw / peakBeforeKw − 1, NaN unless both windows are complete
 * @param monthKwh the window's energy per 30 days (kwh × 30 / days seen): what the band is judged on
 * @param segment the class's band of {@code monthKwh} ("100-200"), null for grid levels and unknown classes
 * @param days days of the window seen
 * @param growthRank customers only: 1 for the fastest-growing customer of the day, 0 when not ranked (no growth, or
 *     a day recomputed after it was ranked); {@code shrinkRank} likewise from the fastest-shrinking
 * @param growthOnYear this calendar month's energy a day against the same month's a year before − 1; NaN
 *     unless that month was seen on at least 20 days
 */
public record InsightPoint(
        String level,
        String id,
        String customer,
        String customerClass,
        long dayStart,
        double kwh,
        double kwhBefore,
        double growth,
        double peakKw,
        double peakBeforeKw,
        double peakGrowth,
        double monthKwh,
        String segment,
        int windowDays,
        int days,
        int growthRank,
        int shrinkRank,
        double growthOnYear) {
    public InsightPoint withRanks(int growth, int shrink) {
        return new InsightPoint(
                level,
                id,
                customer,
                customerClass,
                dayStart,
                kwh,
                kwhBefore,
                this.growth,
                peakKw,
                peakBeforeKw,
                peakGrowth,
                monthKwh,
                segment,
                windowDays,
                days,
                growth,
                shrink,
                growthOnYear);
    }
}

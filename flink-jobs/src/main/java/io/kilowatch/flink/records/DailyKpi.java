package io.kilowatch.flink.records;

/**
 * The {@code daily_kpi} measurement: one local day (of the configured zone) of a member's
 * 15-minute curve. Powers in kW, energies in kWh; timestamps epoch ms. The point's time is the
 * local day's start, so a recomputed day overwrites its point.
 *
 * @param intervals 15-minute points the day had (96 normally, 92 or 100 on a daylight-saving change)
 * @param loadFactor average ÷ peak
 * @param peakValleyRatio (peak − valley) ÷ peak
 * @param periods time-of-use period names of the tariff calendar, in the order of {@code kwhByPeriod}
 */
public record DailyKpi(
        String level,
        String id,
        long dayStart,
        long dayEnd,
        double peakKw,
        long peakTs,
        double valleyKw,
        long valleyTs,
        double avgKw,
        double loadFactor,
        double peakValleyRatio,
        double kwh,
        long intervals,
        long estimated,
        String[] periods,
        double[] kwhByPeriod) {}

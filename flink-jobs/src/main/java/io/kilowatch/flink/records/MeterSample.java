package io.kilowatch.flink.records;

import io.kilowatch.model.Reading;

/**
 * The part of a reading the load curves use, slimmed before the shuffle by meter: kW averaged over
 * the sampling period and the cumulative import register in kWh ({@code NaN} when the meter sent
 * none). Voltage, current and the rest stay in kw.readings for the jobs that need them.
 */
public record MeterSample(String meterId, long ts, double kw, double importKwh) {

    public static MeterSample of(Reading r) {
        return new MeterSample(r.meterId(), r.ts(), r.kw(), r.importKwh() == null ? Double.NaN : r.importKwh());
    }

    public boolean hasRegister() {
        return !Double.isNaN(importKwh);
    }

    /** As a reading again, for kw.late: only the fields the curves saw. */
    public Reading toReading() {
        return Reading.of(meterId, ts, kw).withImportKwh(hasRegister() ? importKwh : null);
    }
}

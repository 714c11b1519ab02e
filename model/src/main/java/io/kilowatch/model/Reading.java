package io.kilowatch.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * One meter reading, normalized. This is the value of {@code kw.readings}.
 *
 * <p>Units are explicit in the names: {@code kw} is active power in kW averaged over the
 * meter's sampling period; {@code importKwh}/{@code exportKwh} are cumulative registers in kWh;
 * {@code kvar} reactive power in kvar; {@code voltageV}/{@code currentA} per phase in V and A;
 * {@code pf} power factor (dimensionless, -1..1). {@code ts} is event time in epoch
 * milliseconds, UTC, whatever form the device sent.
 *
 * <p>Optional quantities are boxed and null when the device did not send them; absent is not
 * zero. The arrays are value-compared so that equal readings are equal records (dedup and tests
 * rely on it).
 */
public record Reading(
        String meterId,
        long ts,
        double kw,
        Double importKwh,
        Double exportKwh,
        Double kvar,
        double[] voltageV,
        double[] currentA,
        Double pf)
        implements Serializable {

    public Reading {
        Objects.requireNonNull(meterId, "meterId");
    }

    /** The minimum a reading needs: who, when, how much. */
    public static Reading of(String meterId, long ts, double kw) {
        return new Reading(meterId, ts, kw, null, null, null, null, null, null);
    }

    public Reading withImportKwh(Double registerKwh) {
        return new Reading(meterId, ts, kw, registerKwh, exportKwh, kvar, voltageV, currentA, pf);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Reading r
                && ts == r.ts
                && Double.compare(kw, r.kw) == 0
                && meterId.equals(r.meterId)
                && Objects.equals(importKwh, r.importKwh)
                && Objects.equals(exportKwh, r.exportKwh)
                && Objects.equals(kvar, r.kvar)
                && Arrays.equals(voltageV, r.voltageV)
                && Arrays.equals(currentA, r.currentA)
                && Objects.equals(pf, r.pf);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(meterId, ts, kw, importKwh, exportKwh, kvar, pf);
        return 31 * (31 * h + Arrays.hashCode(voltageV)) + Arrays.hashCode(currentA);
    }

    @Override
    public String toString() {
        return "Reading[meterId=" + meterId + ", ts=" + ts + ", kw=" + kw
                + ", importKwh=" + importKwh + ", exportKwh=" + exportKwh + ", kvar=" + kvar
                + ", voltageV=" + Arrays.toString(voltageV) + ", currentA=" + Arrays.toString(currentA)
                + ", pf=" + pf + "]";
    }
}

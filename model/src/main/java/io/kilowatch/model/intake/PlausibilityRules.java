package io.kilowatch.model.intake;

import io.kilowatch.model.InvalidReadingException;
import io.kilowatch.model.Reading;
import io.kilowatch.model.RejectReason;
import io.kilowatch.model.Settings;
import java.time.Duration;
import java.util.Map;

/**
 * Bounds a well-formed reading must also respect before it may count: a clock no further ahead
 * than {@code maxClockSkew}, an age within {@code maxAge}, and values a meter can physically
 * report. Each bound is configurable because fleets differ (an HV customer's voltage, a
 * replay of old data).
 *
 * @param maxAge {@link Duration#ZERO} for no horizon
 */
public record PlausibilityRules(
        Duration maxClockSkew,
        Duration maxAge,
        double maxAbsKw,
        double maxVoltageV,
        double maxCurrentA,
        double maxRegisterKwh) {

    /** The bridge's age horizon: a replay checks its range against it before publishing. */
    public static final String DEFAULT_MAX_AGE = "7d";

    public static final String DEFAULT_MAX_CLOCK_SKEW = "5m";

    /**
     * The bounds' settings (under a service's prefix: {@code ingest.max-age}), declared once for
     * the bridge and the history import, which judge readings alike.
     */
    public static final Map<String, String> DEFAULTS = Map.of(
            "max-clock-skew", DEFAULT_MAX_CLOCK_SKEW,
            "max-age", DEFAULT_MAX_AGE,
            "max-abs-kw", "100000",
            "max-voltage-v", "100000",
            "max-current-a", "100000",
            "max-register-kwh", "1e12");

    /** The rules from {@code prefix + key} settings, whose defaults are {@link #DEFAULTS} under that prefix. */
    public static PlausibilityRules from(Settings s, String prefix) {
        return new PlausibilityRules(
                s.getDuration(prefix + "max-clock-skew"),
                s.getDuration(prefix + "max-age"),
                s.getDouble(prefix + "max-abs-kw"),
                s.getDouble(prefix + "max-voltage-v"),
                s.getDouble(prefix + "max-current-a"),
                s.getDouble(prefix + "max-register-kwh"));
    }

    /** The default bounds. */
    public static PlausibilityRules defaults() {
        return from(Settings.of(DEFAULTS, new java.util.Properties(), Map.of()), "");
    }

    /** The same bounds with another age horizon ({@link Duration#ZERO}: none). */
    public PlausibilityRules withMaxAge(Duration horizon) {
        return new PlausibilityRules(maxClockSkew, horizon, maxAbsKw, maxVoltageV, maxCurrentA, maxRegisterKwh);
    }

    public void check(Reading r, long nowMillis) throws InvalidReadingException {
        if (r.ts() > nowMillis + maxClockSkew.toMillis()) {
            throw new InvalidReadingException(
                    RejectReason.TIMESTAMP_IN_FUTURE,
                    "ts " + r.ts() + " is " + (r.ts() - nowMillis) / 1000 + " s ahead of the bridge's clock (allowed "
                            + maxClockSkew + ")");
        }
        if (!maxAge.isZero() && r.ts() < nowMillis - maxAge.toMillis()) {
            throw new InvalidReadingException(
                    RejectReason.TIMESTAMP_TOO_OLD,
                    "ts " + r.ts() + " is older than the accepted horizon of " + maxAge);
        }
        within("kw", r.kw(), -maxAbsKw, maxAbsKw);
        if (r.kvar() != null) {
            within("kvar", r.kvar(), -maxAbsKw, maxAbsKw);
        }
        if (r.importKwh() != null) {
            within("importKwh", r.importKwh(), 0, maxRegisterKwh);
        }
        if (r.exportKwh() != null) {
            within("exportKwh", r.exportKwh(), 0, maxRegisterKwh);
        }
        if (r.pf() != null) {
            within("pf", r.pf(), -1, 1);
        }
        if (r.voltageV() != null) {
            phases("voltageV", r.voltageV(), maxVoltageV);
        }
        if (r.currentA() != null) {
            phases("currentA", r.currentA(), maxCurrentA);
        }
    }

    private static void phases(String field, double[] values, double max) throws InvalidReadingException {
        if (values.length > 3) {
            throw new InvalidReadingException(
                    RejectReason.OUT_OF_RANGE, field + ": " + values.length + " phases, at most 3");
        }
        for (int i = 0; i < values.length; i++) {
            within(field + "[" + i + "]", values[i], 0, max);
        }
    }

    private static void within(String field, double v, double min, double max) throws InvalidReadingException {
        if (v < min || v > max) {
            throw new InvalidReadingException(
                    RejectReason.OUT_OF_RANGE, field + ": " + v + " outside [" + min + ", " + max + "]");
        }
    }
}

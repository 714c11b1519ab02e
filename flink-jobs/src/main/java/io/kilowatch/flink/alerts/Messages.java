package io.kilowatch.flink.alerts;

import io.kilowatch.model.AlertType;
import java.time.Instant;
import java.util.Locale;

/** What an operator or a customer reads in an alert: plain words, the figures with their units. */
final class Messages {
    private Messages() {}

    static String opened(Condition c, String subject, double value, double threshold) {
        return switch (c) {
            case OVER_CAPACITY ->
                f("Load of %s reached %.1f kVA, above the contracted %.1f kVA.", subject, value, threshold);
            case TRANSFORMER_OVERLOAD ->
                f("Transformer %s is loaded to %.1f kVA, above its rating of %.1f kVA.", subject, value, threshold);
            case VOLTAGE_SAG -> f("Voltage at meter %s fell to %.1f V, below %.1f V.", subject, value, threshold);
            case VOLTAGE_SWELL -> f("Voltage at meter %s rose to %.1f V, above %.1f V.", subject, value, threshold);
            case LOW_PF ->
                f(
                        "Power factor of %s is %.2f, below %.2f: reactive power is being drawn and may be charged for.",
                        subject, value, threshold);
            case SPIKE -> throw new IllegalArgumentException("a spike is worded when it is over: Messages.spike");
            case THEFT ->
                f(
                        "Meter %s recorded %.0f %% of its usual energy for these hours (below %.0f %%): possible bypass.",
                        subject, value * 100, threshold * 100);
            case REGISTER_BACKWARDS -> f("Import register of meter %s went backwards by %.2f kWh.", subject, value);
            case EXPORT_NON_PROSUMER ->
                f("Meter %s shows export (%.2f kW) but the customer has no generation.", subject, value);
            case CURRENT_NO_ENERGY ->
                f("Meter %s measures %.2f A of current but no power: possible bypass of the meter.", subject, value);
            case OFFLINE -> f("Meter %s has sent no reading for %.0f min.", subject, value);
        };
    }

    static String resolved(Condition c, String subject, double worst, double threshold) {
        return switch (c) {
            case OVER_CAPACITY, TRANSFORMER_OVERLOAD ->
                f("%s back within %.1f kVA (highest %.1f kVA).", subject, threshold, worst);
            case VOLTAGE_SAG, VOLTAGE_SWELL ->
                f("Voltage at meter %s back within limits (furthest %.1f V).", subject, worst);
            case LOW_PF -> f("Power factor of %s back at or above %.2f (lowest %.2f).", subject, threshold, worst);
            case SPIKE -> throw new IllegalArgumentException("a spike is worded when it is over: Messages.spikeOver");
            case THEFT -> f("Energy of meter %s back to its usual (lowest %.0f %%).", subject, worst * 100);
            case REGISTER_BACKWARDS ->
                f("Import register of meter %s has caught up with its earlier reading.", subject);
            case EXPORT_NON_PROSUMER -> f("Meter %s no longer shows export.", subject);
            case CURRENT_NO_ENERGY -> f("Meter %s measures power with its current again.", subject);
            case OFFLINE -> f("Meter %s is reporting again.", subject);
        };
    }

    static String lossOpened(String transformer, double loss, double threshold) {
        return f(
                "%.0f %% of the energy into transformer area %s reached no customer meter (more than %.0f %%): a tap on the lines "
                        + "or a bypassed meter.",
                loss * 100, transformer, threshold * 100);
    }

    static String lossResolved(String transformer, double worst, double threshold) {
        return f(
                "Unmetered energy in transformer area %s back below %.0f %% (highest %.0f %%).",
                transformer, threshold * 100, worst * 100);
    }

    static String spike(String meter, double worstKw, long minutes, long from, double limitKw, double usualKw) {
        return f(
                "Load of meter %s jumped to %.1f kW for %d min from %s, over %.1f kW (it usually draws %.1f kW at this hour).",
                meter, worstKw, minutes, Instant.ofEpochMilli(from), limitKw, usualKw);
    }

    static String spikeOver(String meter, double limitKw, long last) {
        return f("Load of meter %s was back below %.1f kW by %s.", meter, limitKw, Instant.ofEpochMilli(last));
    }

    static String theftConfirmed(
            String meter, double ratio, long from, long to, double missingKwh, String transformer, double excessKwh) {
        return f(
                "Meter %s recorded %.0f %% of its usual energy from %s to %s (%.1f kWh less) while transformer area %s "
                        + "lost %.1f kWh more than its line losses, hour by hour as the meter dropped: the energy still flowed, "
                        + "possible bypass.",
                meter,
                ratio * 100,
                Instant.ofEpochMilli(from),
                Instant.ofEpochMilli(to),
                missingKwh,
                transformer,
                excessKwh);
    }

    /** @param transformer its area (which has no area meter), or null when the meter is on no known transformer */
    static String theftUnconfirmed(
            String meter, double ratio, long since, long from, long to, double missingKwh, String transformer) {
        return f(
                "Meter %s has recorded far less than its usual energy without a break since %s (%.0f %% of it from %s to %s, %.1f kWh "
                        + "less): unconfirmed, %s to tell a bypass from a household that uses less.",
                meter,
                Instant.ofEpochMilli(since),
                ratio * 100,
                Instant.ofEpochMilli(from),
                Instant.ofEpochMilli(to),
                missingKwh,
                transformer == null
                        ? "it is on no known transformer, so no area meter"
                        : "transformer area " + transformer + " has no area meter");
    }

    static String theftOver(String meter) {
        return f("Meter %s records its usual energy again.", meter);
    }

    static String theftNoLongerFollowed(String meter, long since) {
        return f(
                "Meter %s has said nothing of its energy since %s: no longer followed.",
                meter, Instant.ofEpochMilli(since));
    }

    static String forgotten(String meter, String why) {
        return f("Meter %s %s: no longer watched, its alerts are closed (a new reading starts afresh).", meter, why);
    }

    static String pipelineSilent(long minutes, long last) {
        return f(
                "No reading has reached the jobs for %d min (the last at %s): check the meters' network, the broker, the "
                        + "ingest bridge and Kafka.",
                minutes, Instant.ofEpochMilli(last));
    }

    static String pipelineBack(long minutes, long since) {
        return f(
                "Readings are reaching the jobs again after %d min without any (since %s).",
                minutes, Instant.ofEpochMilli(since));
    }

    /**
     * An area incident: how many members of how many, from when, and which ({@code members} sorted).
     *
     * @param level {@code transformer} or {@code feeder}; {@code unit} what its members are ({@code meters}, {@code transformers})
     */
    static String incidentOpened(
            String kind,
            String level,
            String group,
            int affected,
            int size,
            String unit,
            long from,
            java.util.Collection<String> members) {
        AlertType t = AlertType.of(kind);
        String what = t == AlertType.AREA_OUTAGE
                ? "went dark"
                : t == AlertType.AREA_VOLTAGE_SAG
                        ? "fell below the voltage band"
                        : t == AlertType.AREA_VOLTAGE_SWELL ? "rose above the voltage band" : kind;
        return f(
                "%d of %d %s of %s %s %s together from %s: %s.",
                affected, size, unit, level, group, what, Instant.ofEpochMilli(from), String.join(", ", members));
    }

    static String incidentResolved(String kind, String level, String group, int peak, String unit, long from, long to) {
        AlertType t = AlertType.of(kind);
        String what = t == AlertType.AREA_OUTAGE
                ? "outage"
                : t == AlertType.AREA_VOLTAGE_SAG
                        ? "voltage sag"
                        : t == AlertType.AREA_VOLTAGE_SWELL ? "voltage swell" : kind;
        return f(
                "The %s of %s %s from %s is over at %s (up to %d %s at once).",
                what, level, group, Instant.ofEpochMilli(from), Instant.ofEpochMilli(to), peak, unit);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}

package io.kilowatch.model;

import java.util.Objects;

/**
 * One transition of an alert's life: it opens when a condition starts and resolves when it ends.
 * The value of {@code kw.alerts} (key: the subject's id), written to InfluxDB's {@code alerts}
 * measurement and sent to the customer's MQTT topic.
 *
 * <p>An alert is one episode: {@code alertId} names it from OPEN to RESOLVED, so a consumer that
 * sees an event twice (at-least-once delivery) can tell. Times are event time, epoch ms, UTC:
 * {@code ts} of this transition, {@code openedAt} of the episode's start.
 *
 * @param type what is wrong: one of {@link #TYPES}
 * @param severity {@code info}, {@code warning} or {@code critical}
 * @param level what {@code subjectId} names: {@code meter}, {@code transformer}, {@code feeder}, or
 *     {@code pipeline} (subject {@code readings}: no reading reaches the jobs)
 * @param customerId the customer to tell; null for grid assets
 * @param value the measured quantity that crossed {@code threshold}, in {@code unit}
 * @param message what an operator or customer reads, in plain words
 */
public record Alert(
        String alertId,
        String type,
        String severity,
        String level,
        String subjectId,
        String customerId,
        State state,
        long ts,
        long openedAt,
        double value,
        double threshold,
        String unit,
        String message) {

    public enum State { OPEN, RESOLVED }

    /** The kinds of alert, as they are named on the wire and in InfluxDB. */
    public static final java.util.List<String> TYPES = java.util.List.of(
            "over_capacity", "transformer_overload", "meter_offline", "voltage_sag", "voltage_swell", "low_pf", "spike",
            "theft_suspected", "tamper", "excess_line_loss", "pipeline_silent");

    /**
     * Alerts for the utility's staff only, never relayed to the customer: suspected theft and
     * tamper (telling a suspect warns them before anyone has looked), the grid's own assets and
     * the pipeline's own health.
     */
    public static final java.util.Set<String> STAFF_ONLY_TYPES = java.util.Set.of(
            "theft_suspected", "tamper", "transformer_overload", "excess_line_loss", "pipeline_silent");

    public static boolean isStaffOnly(String type) {
        return type != null && STAFF_ONLY_TYPES.contains(type);
    }

    public Alert {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subjectId, "subjectId");
        Objects.requireNonNull(state, "state");
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }
}

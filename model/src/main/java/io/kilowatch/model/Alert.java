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
 * @param parentId the incident this alert is folded under, or null when it stands alone: a meter's
 *     outage under its transformer area's {@code area_outage}, a transformer's under its feeder's,
 *     a customer's over-capacity under its transformer's overload, a spike under the same meter's
 *     over-capacity (a consequence: {@link #isConsequence()}). Staff read incidents, not their members.
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
        String message,
        String parentId) {

    public enum State {
        OPEN,
        RESOLVED
    }

    /** The kinds of alert, as they are named on the wire and in InfluxDB ({@link AlertType}). */
    public static final java.util.List<String> TYPES =
            java.util.Arrays.stream(AlertType.values()).map(AlertType::wire).toList();

    /** The wire names of {@link AlertType#staffOnly()} types. */
    public static final java.util.Set<String> STAFF_ONLY_TYPES = java.util.Arrays.stream(AlertType.values())
            .filter(AlertType::staffOnly)
            .map(AlertType::wire)
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    public static boolean isStaffOnly(String type) {
        return type != null && STAFF_ONLY_TYPES.contains(type);
    }

    public Alert {
        Objects.requireNonNull(alertId, "alertId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(subjectId, "subjectId");
        Objects.requireNonNull(state, "state");
    }

    /** An alert that stands alone (no incident above it). */
    public Alert(
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
        this(
                alertId,
                type,
                severity,
                level,
                subjectId,
                customerId,
                state,
                ts,
                openedAt,
                value,
                threshold,
                unit,
                message,
                null);
    }

    public boolean isOpen() {
        return state == State.OPEN;
    }

    /** This alert folded under the incident {@code parent} (null: standing alone). */
    public Alert withParent(String parent) {
        return new Alert(
                alertId,
                type,
                severity,
                level,
                subjectId,
                customerId,
                state,
                ts,
                openedAt,
                value,
                threshold,
                unit,
                message,
                parent);
    }

    /**
     * Folded under another alert of its own subject (a spike that is the same excursion as the
     * meter's over-capacity): the customer is told of the primary alert, not of this one too.
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isConsequence() {
        return parentId != null && parentId.startsWith(subjectId + "/");
    }

    /**
     * What raised it, from {@code alertId} (subject/rule/openedAt): the type, or for tamper its
     * kind ({@code tamper.register_backwards}). Two alerts of one subject open at once differ in it.
     */
    public String rule() {
        int last = alertId.lastIndexOf('/');
        int before = last <= 0 ? -1 : alertId.lastIndexOf('/', last - 1);
        return last <= 0 || before < 0 ? type : alertId.substring(before + 1, last);
    }
}

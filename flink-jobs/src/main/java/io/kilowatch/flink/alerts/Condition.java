package io.kilowatch.flink.alerts;

import io.kilowatch.model.AlertType;

/**
 * What the alert rules watch on one meter, each with its own {@link Episode}. Several conditions
 * may report the same alert type (three kinds of tamper), each its own alert.
 */
public enum Condition {
    OVER_CAPACITY(AlertType.OVER_CAPACITY, "warning", "kVA", true, true),
    TRANSFORMER_OVERLOAD(AlertType.TRANSFORMER_OVERLOAD, "critical", "kVA", true, true),
    VOLTAGE_SAG(AlertType.VOLTAGE_SAG, "warning", "V", false, true),
    VOLTAGE_SWELL(AlertType.VOLTAGE_SWELL, "warning", "V", true, true),
    LOW_PF(AlertType.LOW_PF, "warning", "pf", false, true),
    SPIKE(AlertType.SPIKE, "info", "kW", true, false),
    THEFT(AlertType.THEFT_SUSPECTED, "warning", "ratio", false, false),
    REGISTER_BACKWARDS(AlertType.TAMPER, "critical", "kWh", true, false),
    EXPORT_NON_PROSUMER(AlertType.TAMPER, "critical", "kW", false, true),
    CURRENT_NO_ENERGY(AlertType.TAMPER, "critical", "A", true, true),
    OFFLINE(AlertType.METER_OFFLINE, "warning", "min", true, false);

    public final AlertType type;
    /** {@code type}'s wire name. */
    public final String alertType;

    public final String severity;
    public final String unit;
    public final boolean higherIsWorse;
    /** Whether it must hold {@link AlertRules#openAfter()} first; the others open on the reading that shows them. */
    public final boolean debounced;

    Condition(AlertType type, String severity, String unit, boolean higherIsWorse, boolean debounced) {
        this.type = type;
        this.alertType = type.wire();
        this.severity = severity;
        this.unit = unit;
        this.higherIsWorse = higherIsWorse;
        this.debounced = debounced;
    }

    /** The name in alert ids: the alert type, and for tamper which kind. */
    public String idName() {
        return type == AlertType.TAMPER ? alertType + "." + name().toLowerCase(java.util.Locale.ROOT) : alertType;
    }

    /** The stable id of the episode that began at {@code openedAt}: the same on a replay, so duplicates can be told. */
    public String alertId(String subjectId, long openedAt) {
        return alertId(subjectId, idName(), openedAt);
    }

    /** Every alert's id: subject, what, when the episode began. */
    static String alertId(String subjectId, String name, long openedAt) {
        return subjectId + "/" + name + "/" + openedAt;
    }
}

package io.kilowatch.flink.alerts;

/**
 * What the alert rules watch on one meter, each with its own {@link Episode}. Several conditions
 * may report the same alert type (three kinds of tamper), each its own alert.
 */
public enum Condition {
    OVER_CAPACITY("over_capacity", "warning", "kVA", true, true),
    TRANSFORMER_OVERLOAD("transformer_overload", "critical", "kVA", true, true),
    VOLTAGE_SAG("voltage_sag", "warning", "V", false, true),
    VOLTAGE_SWELL("voltage_swell", "warning", "V", true, true),
    LOW_PF("low_pf", "warning", "pf", false, true),
    SPIKE("spike", "info", "kW", true, false),
    THEFT("theft_suspected", "warning", "ratio", false, false),
    REGISTER_BACKWARDS("tamper", "critical", "kWh", true, false),
    EXPORT_NON_PROSUMER("tamper", "critical", "kW", false, true),
    CURRENT_NO_ENERGY("tamper", "critical", "A", true, true),
    OFFLINE("meter_offline", "warning", "min", true, false);

    public final String alertType;
    public final String severity;
    public final String unit;
    public final boolean higherIsWorse;
    /** Whether it must hold {@link AlertRules#openAfter()} first; the others open on the reading that shows them. */
    public final boolean debounced;

    Condition(String alertType, String severity, String unit, boolean higherIsWorse, boolean debounced) {
        this.alertType = alertType;
        this.severity = severity;
        this.unit = unit;
        this.higherIsWorse = higherIsWorse;
        this.debounced = debounced;
    }

    /** The name in alert ids: the alert type, and for tamper which kind. */
    public String idName() {
        return alertType.equals("tamper") ? "tamper." + name().toLowerCase(java.util.Locale.ROOT) : alertType;
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

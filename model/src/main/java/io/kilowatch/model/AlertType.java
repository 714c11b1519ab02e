package io.kilowatch.model;

/**
 * The kinds of alert, declared once for the jobs that raise them, the relay that routes them and
 * the scorer that checks them. {@link #wire} is the name on kw.alerts, in InfluxDB and in
 * customers' messages: part of the contract (add, don't rename).
 */
public enum AlertType {
    OVER_CAPACITY("over_capacity", false),
    TRANSFORMER_OVERLOAD("transformer_overload", true),
    METER_OFFLINE("meter_offline", false),
    VOLTAGE_SAG("voltage_sag", false),
    VOLTAGE_SWELL("voltage_swell", false),
    LOW_PF("low_pf", false),
    SPIKE("spike", false),
    THEFT_SUSPECTED("theft_suspected", true),
    TAMPER("tamper", true),
    EXCESS_LINE_LOSS("excess_line_loss", true),
    PIPELINE_SILENT("pipeline_silent", true),
    AREA_OUTAGE("area_outage", true),
    AREA_VOLTAGE_SAG("area_voltage_sag", true),
    AREA_VOLTAGE_SWELL("area_voltage_swell", true);

    private final String wire;
    private final boolean staffOnly;

    AlertType(String wire, boolean staffOnly) {
        this.wire = wire;
        this.staffOnly = staffOnly;
    }

    /** The name on the wire: {@code over_capacity}. */
    public String wire() {
        return wire;
    }

    /**
     * For the utility's staff only, never relayed to the customer: suspected theft and tamper
     * (telling a suspect warns them before anyone has looked), the grid's own assets and the
     * pipeline's own health.
     */
    public boolean staffOnly() {
        return staffOnly;
    }

    /** The type named {@code wire}, or null for a name no alert has. */
    public static AlertType of(String wire) {
        for (AlertType t : values()) {
            if (t.wire.equals(wire)) {
                return t;
            }
        }
        return null;
    }
}

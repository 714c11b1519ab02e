package io.kilowatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AlertTypeTest {
    @Test
    void theWireNamesAreTheContractsAndOnlyTheCustomersOwnAlertsReachThem() {
        assertThat(Alert.TYPES)
                .containsExactly(
                        "over_capacity",
                        "transformer_overload",
                        "meter_offline",
                        "voltage_sag",
                        "voltage_swell",
                        "low_pf",
                        "spike",
                        "theft_suspected",
                        "tamper",
                        "excess_line_loss",
                        "pipeline_silent",
                        "area_outage",
                        "area_voltage_sag",
                        "area_voltage_swell");
        assertThat(Alert.STAFF_ONLY_TYPES)
                .containsExactlyInAnyOrder(
                        "theft_suspected",
                        "tamper",
                        "transformer_overload",
                        "excess_line_loss",
                        "pipeline_silent",
                        "area_outage",
                        "area_voltage_sag",
                        "area_voltage_swell");
        for (AlertType t : AlertType.values()) {
            assertThat(AlertType.of(t.wire())).isSameAs(t);
            assertThat(Alert.isStaffOnly(t.wire())).isEqualTo(t.staffOnly());
        }
        assertThat(AlertType.of("outage"))
                .as("an anomaly's name, not an alert's")
                .isNull();
    }
}

package io.kilowatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.Alert;
import io.kilowatch.model.AlertCodec;
import org.junit.jupiter.api.Test;

/** Where an alert goes: to its customer, unless it is for staff or the consequence of one the customer gets. */
class CustomerRoutingTest {
    private final CustomerRouting routing = new CustomerRouting();
    private final AlertCodec codec = new AlertCodec();

    private static Alert alert(String type, String subject, String parent) {
        return new Alert(
                        subject + "/" + type + "/5",
                        type,
                        "warning",
                        "meter",
                        subject,
                        "C1",
                        Alert.State.OPEN,
                        9,
                        5,
                        1,
                        1,
                        "kW",
                        "m")
                .withParent(parent);
    }

    @Test
    void aMetersOutageUnderItsAreasIncidentStillReachesTheCustomerOnce() {
        assertThat(routing.alertRoute("M1", codec.encode(alert("meter_offline", "M1", "T1/area_outage/5"))))
                .isEqualTo(new CustomerRouting.AlertRoute(false, false, "C1"));
    }

    @Test
    void aSpikeFoldedUnderTheSameMetersOverCapacityIsNotSentOnItsOwn() {
        assertThat(routing.alertRoute("M1", codec.encode(alert("spike", "M1", "M1/over_capacity/5")))
                        .consequence())
                .isTrue();
        assertThat(routing.alertRoute("M1", codec.encode(alert("spike", "M1", null)))
                        .consequence())
                .isFalse();
        // M10's alert under M1's is not M1's consequence: the subject is matched whole.
        assertThat(routing.alertRoute("M10", codec.encode(alert("spike", "M10", "M1/over_capacity/5")))
                        .consequence())
                .isFalse();
    }

    @Test
    void areaIncidentsAndTamperAreForStaff() {
        assertThat(routing.alertRoute("T1", codec.encode(alert("area_outage", "T1", null)))
                        .staffOnly())
                .isTrue();
        assertThat(routing.alertRoute("M1", codec.encode(alert("tamper", "M1", null)))
                        .staffOnly())
                .isTrue();
    }
}

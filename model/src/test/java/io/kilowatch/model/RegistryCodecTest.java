package io.kilowatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RegistryCodecTest {
    private final RegistryCodec codec = new RegistryCodec();

    @Test
    void roundTrips() throws Exception {
        RegistryEntry e = new RegistryEntry(
                "M00001", "C042", "industrial", "T7", "F2", "north", "TOU-2", 630.0, 1000.0, 230.0, 3);
        assertThat(codec.decode(codec.encode(e))).isEqualTo(e);
        RegistryEntry sparse = new RegistryEntry("M2", "C2", null, null, null, null, null, 0, 0, 0, 1);
        assertThat(codec.decode(codec.encode(sparse))).isEqualTo(sparse);
        RegistryEntry twoPart = e.withBilling("1-10kV", "contract", 300.0);
        assertThat(codec.decode(codec.encode(twoPart))).isEqualTo(twoPart);
    }

    @Test
    void anEntryWrittenBeforeTheBillingFieldsExistedIsASinglePartCustomer() throws Exception {
        RegistryEntry old = codec.decode(
                ("{\"meterId\":\"m\",\"customerId\":\"c\",\"customerClass\":\"residential\",\"contractedKva\":8,"
                                + "\"transformerKva\":630,\"nominalVoltageV\":230,\"phases\":1}")
                        .getBytes(StandardCharsets.UTF_8));
        assertThat(old.billingBasis()).isNull();
        assertThat(old.contractKw()).isNull();
        assertThat(old.voltageLevelOrDefault()).isEqualTo("lv");
    }

    @Test
    void rejectsWhatIsNotAnEntry() {
        assertThatThrownBy(() -> codec.decode(
                        "{\"meterId\":\"m\",\"contractedKva\":1,\"transformerKva\":1,\"nominalVoltageV\":230,\"phases\":1}"
                                .getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("customerId");
        assertThatThrownBy(
                        () -> codec.decode("{\"meterId\":\"m\",\"customerId\":\"c\"}".getBytes(StandardCharsets.UTF_8)))
                .as("capacities are required: alerts depend on them")
                .isInstanceOf(IOException.class)
                .hasMessageContaining("double");
        assertThatThrownBy(() -> codec.decode("garbage".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }
}

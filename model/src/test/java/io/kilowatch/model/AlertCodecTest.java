package io.kilowatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AlertCodecTest {
    private final AlertCodec codec = new AlertCodec();

    @Test
    void roundTripsBothStatesAndAssetAlertsWithoutCustomer() throws IOException {
        Alert open = new Alert(
                "over_capacity:meter:M1:1700000000000",
                "over_capacity",
                "warning",
                "meter",
                "M1",
                "C1",
                Alert.State.OPEN,
                1_700_000_000_000L,
                1_700_000_000_000L,
                13.2,
                10.0,
                "kVA",
                "load 13.2 kVA above contracted 10 kVA");
        Alert resolved = new Alert(
                "transformer_overload:transformer:T1:5",
                "transformer_overload",
                "critical",
                "transformer",
                "T1",
                null,
                Alert.State.RESOLVED,
                900_000,
                5,
                512.5,
                630,
                "kVA",
                "back under rating");
        assertThat(codec.decode(codec.encode(open))).isEqualTo(open);
        assertThat(codec.decode(codec.encode(resolved))).isEqualTo(resolved);
        assertThat(new String(codec.encode(open), StandardCharsets.UTF_8))
                .contains("\"state\":\"OPEN\"", "\"subjectId\":\"M1\"");
    }

    @Test
    void carriesTheIncidentAnAlertIsFoldedUnderAndReadsAlertsWrittenBeforeIt() throws IOException {
        Alert member = new Alert(
                        "M7/meter_offline/60000",
                        "meter_offline",
                        "warning",
                        "meter",
                        "M7",
                        "C7",
                        Alert.State.OPEN,
                        960_000,
                        60_000,
                        15,
                        15,
                        "min",
                        "Meter M7 has sent no reading since …")
                .withParent("T1/area_outage/60000");
        assertThat(codec.decode(codec.encode(member))).isEqualTo(member);
        assertThat(member.isConsequence()).isFalse();
        assertThat(member.rule()).isEqualTo("meter_offline");
        String before = "{\"alertId\":\"M7/tamper.register_backwards/5\",\"type\":\"tamper\",\"severity\":\"critical\","
                + "\"level\":\"meter\",\"subjectId\":\"M7\",\"customerId\":\"C7\",\"state\":\"OPEN\",\"ts\":5,\"openedAt\":5,"
                + "\"value\":1.5,\"threshold\":0.01,\"unit\":\"kWh\",\"message\":\"m\"}";
        Alert old = codec.decode(before.getBytes(StandardCharsets.UTF_8));
        assertThat(old.parentId()).isNull();
        assertThat(old.rule()).isEqualTo("tamper.register_backwards");
        Alert spike = new Alert(
                        "M7/spike/120000",
                        "spike",
                        "info",
                        "meter",
                        "M7",
                        "C7",
                        Alert.State.OPEN,
                        900_000,
                        120_000,
                        40,
                        12,
                        "kW",
                        "m")
                .withParent("M7/over_capacity/120000");
        assertThat(spike.isConsequence()).isTrue();
        assertThat(new String(codec.encode(spike), StandardCharsets.UTF_8)).doesNotContain("consequence", "\"rule\"");
    }

    @Test
    void rejectsWhatIsNotAnAlert() {
        assertThatThrownBy(() -> codec.decode("{\"alertId\":\"a\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("not an alert");
        assertThatThrownBy(() -> codec.decode("garbage".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class);
    }
}

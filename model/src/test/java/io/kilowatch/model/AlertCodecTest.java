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
        Alert open = new Alert("over_capacity:meter:M1:1700000000000", "over_capacity", "warning", "meter", "M1", "C1",
                Alert.State.OPEN, 1_700_000_000_000L, 1_700_000_000_000L, 13.2, 10.0, "kVA", "load 13.2 kVA above contracted 10 kVA");
        Alert resolved = new Alert("transformer_overload:transformer:T1:5", "transformer_overload", "critical", "transformer", "T1",
                null, Alert.State.RESOLVED, 900_000, 5, 512.5, 630, "kVA", "back under rating");
        assertThat(codec.decode(codec.encode(open))).isEqualTo(open);
        assertThat(codec.decode(codec.encode(resolved))).isEqualTo(resolved);
        assertThat(new String(codec.encode(open), StandardCharsets.UTF_8)).contains("\"state\":\"OPEN\"", "\"subjectId\":\"M1\"");
    }

    @Test
    void rejectsWhatIsNotAnAlert() {
        assertThatThrownBy(() -> codec.decode("{\"alertId\":\"a\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageStartingWith("not an alert");
        assertThatThrownBy(() -> codec.decode("garbage".getBytes(StandardCharsets.UTF_8))).isInstanceOf(IOException.class);
    }
}

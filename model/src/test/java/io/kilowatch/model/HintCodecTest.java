package io.kilowatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HintCodecTest {
    private final HintCodec codec = new HintCodec();

    @Test
    void roundTripsMoneyExactlyAndAWarningWithoutCosts() throws IOException {
        Hint shift = new Hint(
                "C1/shift_load/valley/2026-03-10",
                "C1",
                "shift_load",
                1_773_158_400_000L,
                "2026-03",
                "hb-ic-10kv-tou",
                "valley",
                new BigDecimal("15678.74"),
                new BigDecimal("15244.09"),
                new BigDecimal("434.65"),
                Map.of("kwh_to_move", new BigDecimal("1000.0"), "flexible_share", new BigDecimal("0.10")),
                true,
                "Move 1,000 kWh ...");
        Hint warning = new Hint(
                "C2/demand_warning/demand/1773100800000",
                "C2",
                "demand_warning",
                1,
                "2026-03",
                "hb-ic-10kv-2part",
                "demand",
                null,
                null,
                new BigDecimal("1344.00"),
                Map.of(),
                true,
                "on course");
        assertThat(codec.decode(codec.encode(shift))).isEqualTo(shift);
        assertThat(codec.decode(codec.encode(warning))).isEqualTo(warning);
        String json = new String(codec.encode(shift), StandardCharsets.UTF_8);
        assertThat(json).contains("\"saving\":434.65", "\"currentCost\":15678.74", "\"kwh_to_move\":1000.0");
        Hint big = new Hint(
                "x", "C", "basis", 0, "2026-03", "p", "demand", new BigDecimal("1.26E+4"), null, null, null, false, "");
        assertThat(new String(codec.encode(big), StandardCharsets.UTF_8)).contains("\"currentCost\":12600");
    }

    @Test
    void rejectsWhatIsNotAHint() {
        assertThatThrownBy(() -> codec.decode("{\"hintId\":\"h\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("not a tariff hint");
    }
}

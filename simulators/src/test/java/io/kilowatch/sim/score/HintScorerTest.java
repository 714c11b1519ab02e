package io.kilowatch.sim.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.Hint;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HintScorerTest {
    private static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
    private static final long DAY = 86_400_000L;

    private static Hint hint(String id, String customer, String kind, long ts, String saving) {
        return new Hint(
                id,
                customer,
                kind,
                ts,
                "2026-03",
                "p",
                "valley",
                null,
                null,
                new BigDecimal(saving),
                Map.of(),
                true,
                "m");
    }

    @Test
    void shiftHintsAreMatchedToTheInjectedPeakHeavyCustomersOncePerId() {
        List<GroundTruth> truth = GroundTruth.parse(List.of(
                "M1,peak_heavy," + Instant.ofEpochMilli(T0) + "," + Instant.ofEpochMilli(T0 + 2 * DAY),
                "M2,peak_heavy," + Instant.ofEpochMilli(T0) + "," + Instant.ofEpochMilli(T0 + 2 * DAY),
                "M3,spike," + Instant.ofEpochMilli(T0) + "," + Instant.ofEpochMilli(T0 + DAY)));
        List<Hint> hints = List.of(
                hint("CM1/shift_load/valley/2026-03-01", "CM1", "shift_load", T0 + DAY, "120.50"),
                hint("CM1/shift_load/valley/2026-03-01", "CM1", "shift_load", T0 + DAY, "120.50"), // redelivered
                hint("CM9/shift_load/valley/2026-03-01", "CM9", "shift_load", T0 + DAY, "30"), // not injected
                hint(
                        "CM2/shift_load/valley/2026-03-09",
                        "CM2",
                        "shift_load",
                        T0 + 8 * DAY,
                        "99"), // too late for M2's anomaly
                hint("CM4/switch_plan/x/2026-03-01", "CM4", "switch_plan", T0 + DAY, "500"));
        HintScorer.Result r = new HintScorer(Duration.ofDays(1), Map.of("M1", "CM1", "M2", "CM2")).score(truth, hints);
        assertThat(r.shiftCustomers()).isEqualTo(3);
        assertThat(r.shiftMatched()).isEqualTo(1);
        assertThat(r.peakHeavy()).isEqualTo(2);
        assertThat(r.peakHeavyTold()).isEqualTo(1);
        assertThat(r.precision()).isEqualTo(1.0 / 3);
        assertThat(r.recall()).isEqualTo(0.5);
        assertThat(r.kinds()).containsEntry("shift_load", 3).containsEntry("switch_plan", 1);
        assertThat(r.largest()).extracting(Hint::customerId).containsExactly("CM4", "CM1", "CM2", "CM9");
        assertThat(HintScorer.markdown(r))
                .contains("| shift_load | 3 | 2 | 1 | 0.33 | 0.50 |")
                .contains("| CM4 | switch_plan | 500.00 |");
    }
}

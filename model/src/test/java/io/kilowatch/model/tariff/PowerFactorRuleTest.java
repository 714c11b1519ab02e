package io.kilowatch.model.tariff;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The table of shared/TARIFFS.md, row by row at its edges. */
class PowerFactorRuleTest {

    @ParameterizedTest(name = "standard {0}, pf {1} -> {2} %")
    @CsvSource({
        // standard 0.90: discounts, the standard, +0.5 steps to 0.70, +1 steps to 0.65, +2 below
        "0.90, 1.00, -0.75",
        "0.90, 0.95, -0.75",
        "0.90, 0.94, -0.60",
        "0.90, 0.91, -0.15",
        "0.90, 0.90, 0",
        "0.90, 0.89, 0.5",
        "0.90, 0.80, 5.0",
        "0.90, 0.70, 10.0",
        "0.90, 0.69, 11",
        "0.90, 0.65, 15",
        "0.90, 0.64, 17",
        "0.90, 0.60, 25",
        // standard 0.85
        "0.85, 1.00, -1.10",
        "0.85, 0.94, -1.10",
        "0.85, 0.93, -0.95",
        "0.85, 0.91, -0.65",
        "0.85, 0.90, -0.5",
        "0.85, 0.86, -0.1",
        "0.85, 0.85, 0",
        "0.85, 0.84, 0.5",
        "0.85, 0.65, 10.0",
        "0.85, 0.64, 11",
        "0.85, 0.60, 15",
        "0.85, 0.59, 17",
        // standard 0.80
        "0.80, 1.00, -1.30",
        "0.80, 0.92, -1.30",
        "0.80, 0.91, -1.15",
        "0.80, 0.90, -1.0",
        "0.80, 0.81, -0.1",
        "0.80, 0.80, 0",
        "0.80, 0.79, 0.5",
        "0.80, 0.60, 10.0",
        "0.80, 0.59, 11",
        "0.80, 0.55, 15",
        "0.80, 0.54, 17",
        "0.80, 0.50, 25"
    })
    void theAdjustmentFollowsTheTable(String standard, String pf, String percent) {
        assertThat(PowerFactorRule.percent(new BigDecimal(standard), new BigDecimal(pf)))
                .isEqualByComparingTo(percent);
    }

    @Test
    void noStandardOutsideTheThreeOfTheRules() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new PowerFactorRule(new BigDecimal("0.95"), java.util.Set.of(), null))
                .hasMessageContaining("0.90, 0.85 or 0.80");
    }
}

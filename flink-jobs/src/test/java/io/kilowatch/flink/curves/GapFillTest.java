package io.kilowatch.flink.curves;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GapFillTest {
    private static final long Q = 900_000;

    @Test
    void theEmptyIntervalsBetweenTwoRealOnesAreCountedUpToTheLongestGapFilled() {
        assertThat(GapFill.fillable(0, Q, Q, 4)).as("adjacent").isZero();
        assertThat(GapFill.fillable(0, 3 * Q, Q, 4)).isEqualTo(2);
        assertThat(GapFill.fillable(0, 5 * Q, Q, 4))
                .as("four empty: the longest filled")
                .isEqualTo(4);
        assertThat(GapFill.fillable(0, 6 * Q, Q, 4))
                .as("five empty: left empty")
                .isZero();
        assertThat(GapFill.fillable(0, 3 * Q, Q, 0)).as("filling off").isZero();
        assertThat(GapFill.fillable(Long.MIN_VALUE, 3 * Q, Q, 4))
                .as("no real interval yet")
                .isZero();
        assertThat(GapFill.fillable(3 * Q, Q, Q, 4)).as("the real one is older").isZero();
    }

    @Test
    void estimatesLieOnTheLineBetweenTheRealPointsEitherSide() {
        // 2 kW, then two empty quarters, then 8 kW: 4 and 6 kW.
        assertThat(GapFill.estimateKw(2, 8, 1, 2)).isEqualTo(4.0);
        assertThat(GapFill.estimateKw(2, 8, 2, 2)).isEqualTo(6.0);
        // Falling: 10 kW, one empty, 0 kW.
        assertThat(GapFill.estimateKw(10, 0, 1, 1)).isEqualTo(5.0);
    }
}

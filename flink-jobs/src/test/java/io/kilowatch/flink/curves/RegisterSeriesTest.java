package io.kilowatch.flink.curves;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RegisterSeriesTest {
    private static final double RANGE = 1_000_000;
    private static final double RESET_BELOW = 10;

    @Test
    void aFirstSampleAndARegisterThatRisesOrStandsStillAreForward() {
        assertThat(RegisterSeries.step(Double.NaN, 5, RANGE, RESET_BELOW)).isSameAs(RegisterSeries.FORWARD);
        assertThat(RegisterSeries.step(100, 100.25, RANGE, RESET_BELOW)).isSameAs(RegisterSeries.FORWARD);
        assertThat(RegisterSeries.step(100, 100, RANGE, RESET_BELOW)).isSameAs(RegisterSeries.FORWARD);
    }

    @Test
    void wrappingNearTheTopIsARolloverThatAddsTheRange() {
        // 999,999.5 → 0.25: 0.75 kWh used across the wrap; the offset adds the whole range.
        RegisterSeries.Step s = RegisterSeries.step(999_999.5, 0.25, RANGE, RESET_BELOW);
        assertThat(s.event()).isEqualTo(IntervalAcc.ROLLOVER);
        assertThat(s.offsetAddedKwh()).isEqualTo(RANGE);
        assertThat(0.25 + s.offsetAddedKwh() - 999_999.5).isEqualTo(0.75);
    }

    @Test
    void aDropToNearZeroAwayFromTheTopIsANewMeterThatContinuesWhereTheOldOneStopped() {
        // 5,000 → 2 (a swapped meter starts near zero): the series continues at 5,000, the new meter's 2 kWh on top.
        RegisterSeries.Step s = RegisterSeries.step(5_000, 2, RANGE, RESET_BELOW);
        assertThat(s.event()).isEqualTo(IntervalAcc.RESET);
        assertThat(2 + s.offsetAddedKwh()).isEqualTo(5_000);
    }

    @Test
    void anyOtherDropIsARegisterGoingBackwardsAndIsNotUnwrapped() {
        RegisterSeries.Step s = RegisterSeries.step(5_000, 4_990, RANGE, RESET_BELOW);
        assertThat(s.event()).isEqualTo(IntervalAcc.BACKWARDS);
        assertThat(s.offsetAddedKwh()).isZero();
        // Near the top but not wrapped to near zero: backwards too.
        assertThat(RegisterSeries.step(950_000, 500_000, RANGE, RESET_BELOW).event())
                .isEqualTo(IntervalAcc.BACKWARDS);
    }
}

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

    private static final long Q = 900_000;
    private static final long T = 1_700_000_100_000L - 1_700_000_100_000L % Q;

    private static IntervalAcc interval(long start, long[] ts, double[] kwh) {
        IntervalAcc a = new IntervalAcc(start);
        for (int i = 0; i < ts.length; i++) {
            a.addRegister(ts[i], kwh[i]);
        }
        return a;
    }

    @Test
    void samplesOnBothBoundariesGiveTheirDifference() {
        IntervalAcc acc = interval(T, new long[] {T, T + 600_000}, new double[] {100, 100.4});
        IntervalAcc next = interval(T + Q, new long[] {T + Q}, new double[] {100.5});
        assertThat(RegisterSeries.energy(null, acc, next, T, Q))
                .isCloseTo(0.5, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void aBoundaryBetweenSamplesIsInterpolatedFromTheNeighbours() {
        // prev's last at T − 5 min = 99.9, acc's first at T + 5 min = 100.1 → 100.0 at T;
        // acc's last at T + 10 min = 100.2, next's first at T + 20 min = 100.4 → 100.3 at T + 15 min: 0.3 kWh.
        IntervalAcc prev = interval(T - Q, new long[] {T - 300_000}, new double[] {99.9});
        IntervalAcc acc = interval(T, new long[] {T + 300_000, T + 600_000}, new double[] {100.1, 100.2});
        IntervalAcc next = interval(T + Q, new long[] {T + 1_200_000}, new double[] {100.4});
        assertThat(RegisterSeries.energy(prev, acc, next, T, Q))
                .isCloseTo(0.3, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void anUnbracketedBoundaryOrAResetOrBackwardsRegisterGivesNoRegisterEnergy() {
        IntervalAcc acc = interval(T, new long[] {T + 300_000}, new double[] {100.1});
        IntervalAcc next = interval(T + Q, new long[] {T + Q}, new double[] {100.5});
        assertThat(RegisterSeries.energy(null, acc, next, T, Q))
                .as("no sample before the start")
                .isNaN();
        assertThat(RegisterSeries.energy(interval(T - Q, new long[] {T - 60_000}, new double[] {100}), acc, null, T, Q))
                .as("no sample after the end")
                .isNaN();
        IntervalAcc swapped = interval(T + Q, new long[] {T + Q}, new double[] {100.5});
        swapped.registerEvent = IntervalAcc.RESET;
        assertThat(RegisterSeries.energy(
                        interval(T - Q, new long[] {T - 60_000}, new double[] {100}), acc, swapped, T, Q))
                .as("a swap next door")
                .isNaN();
        IntervalAcc back = interval(T, new long[] {T, T + 60_000}, new double[] {100, 99});
        back.registerEvent = IntervalAcc.BACKWARDS;
        assertThat(RegisterSeries.energy(null, back, next, T, Q))
                .as("backwards in the interval")
                .isNaN();
        IntervalAcc noRegister = new IntervalAcc(T);
        assertThat(RegisterSeries.energy(null, noRegister, next, T, Q)).isNaN();
    }
}

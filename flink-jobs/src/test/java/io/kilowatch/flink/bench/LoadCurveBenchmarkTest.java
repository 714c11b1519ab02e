package io.kilowatch.flink.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class LoadCurveBenchmarkTest {

    private static LoadCurveBenchmark.Timing run(double seconds, double shared, double stage) {
        Map<String, Double> tasks = Map.of(
                "Source: readings -> (to samples, readings behind -> pipeline lines)",
                shared * 0.4,
                "cells' minutes",
                shared * 0.3,
                "roll-ups",
                shared * 0.2,
                "load lines",
                shared * 0.1,
                // named like the shared ones, but not theirs: each arm's own, or a thread
                "Source Data Fetcher for Source: readings -> (to samples)",
                5.0,
                "OutputFlusher for cells' minutes",
                1.0,
                "load_compare lines",
                2.0,
                "revenue roll-up -> revenue lines",
                stage,
                "shadow bills and hints -> (bills lines)",
                stage);
        return new LoadCurveBenchmark.Timing(seconds, 0, 0, 0, 0, 0, tasks, Map.of(), 0);
    }

    @Test
    void theSharedTasksAreTheFourBothArmsRunAlikeAndNothingNamedLikeThem() {
        assertThat(run(40, 20, 3).sharedTaskSeconds()).isCloseTo(20, within(1e-9));
    }

    @Test
    void aPairIsComparedAtTheMachineSpeedOfItsLoadCurveRun() {
        LoadCurveBenchmark.Timing off = run(40, 20, 0);
        // the machine ran 25 % slower through the stage's run: the shared tasks took 25 % more
        // CPU for the same readings, and the run 50 s where 40 s was 80 % by the clock
        LoadCurveBenchmark.Timing on = run(50, 25, 3);
        assertThat(off.seconds() / on.seconds()).isCloseTo(0.80, within(1e-9));
        assertThat(on.throughputRatioAtSpeedOf(off)).isCloseTo(1.00, within(1e-9));
        // at the same speed the same 50 s are the stage's own cost
        assertThat(run(50, 20, 3).throughputRatioAtSpeedOf(off)).isCloseTo(0.80, within(1e-9));
    }

    @Test
    void aCommandsLineGivesTheMeanAndEachPair() {
        var pairs = java.util.List.of(
                new LoadCurveBenchmark.PairRatios(0.8, 0.2, 0.9), new LoadCurveBenchmark.PairRatios(1.0, 0.0, 0.85));
        assertThat(LoadCurveBenchmark.PairRatios.mean(pairs, LoadCurveBenchmark.PairRatios::throughput))
                .isCloseTo(90.0, within(1e-9));
        assertThat(LoadCurveBenchmark.PairRatios.each(pairs, LoadCurveBenchmark.PairRatios::atOneMachineSpeed))
                .containsExactly("90.0%", "85.0%");
    }
}

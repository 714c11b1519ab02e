package io.kilowatch.flink.curves;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kilowatch.flink.records.LoadPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;

class ShiftedLoadTest {
    private static final long T = 1_700_000_100_000L;

    @Test
    void aMetersQuarterHourIsWrittenAgainADayAndAWeekLaterTaggedWithTheShift() {
        List<String> out =
                run(new LoadPoint("meter", "M 1", "15m", T, 1.5, 2, 1, 0.375, Double.NaN, 15, 1, 0, "power", null));
        assertThat(out)
                .containsExactly(
                        "load_compare,id=M\\ 1,interval=15m,level=meter,shift=1d kw_avg=1.5 " + (T + 86_400_000L),
                        "load_compare,id=M\\ 1,interval=15m,level=meter,shift=7d kw_avg=1.5 " + (T + 7 * 86_400_000L));
    }

    @Test
    void minutesAndAggregatesAreNotCompared() {
        assertThat(run(new LoadPoint("meter", "M", "1m", T, 1, 1, 1, 0.01, Double.NaN, 1, 1, 0, "power", null)))
                .isEmpty();
        assertThat(run(LoadPoint.aggregate("feeder", "F1", "15m", T, 3, 4, 2, 0.75, 10, 5, 0)))
                .isEmpty();
    }

    @Test
    void shiftsAreNamedAsAnOperatorWritesThemAndMustBeWholeMinutes() {
        assertThat(ShiftedLoad.name(Duration.ofDays(364))).isEqualTo("364d");
        assertThat(ShiftedLoad.name(Duration.ofHours(12))).isEqualTo("12h");
        assertThat(ShiftedLoad.name(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThatThrownBy(() -> ShiftedLoad.name(Duration.ofSeconds(30))).hasMessageContaining("whole minutes");
        assertThatThrownBy(() -> ShiftedLoad.name(Duration.ZERO)).hasMessageContaining("positive");
    }

    private static List<String> run(LoadPoint p) {
        List<String> out = new ArrayList<>();
        new ShiftedLoad(List.of(Duration.ofDays(1), Duration.ofDays(7))).flatMap(p, new Collector<>() {
            @Override
            public void collect(String s) {
                out.add(s);
            }

            @Override
            public void close() {}
        });
        return out;
    }
}

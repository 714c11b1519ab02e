package io.kilowatch.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kilowatch.flink.records.LateReading;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.model.Reading;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The production pipeline-building method on a shared mini cluster, parallelism 2, no Kryo fallback allowed. */
class LoadCurvePipelineTest {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    private static final long T0 = 1_700_000_100_000L - 1_700_000_100_000L % 900_000; // a 15-minute boundary

    @Test
    void meterCurvesForBothIntervalsWithDuplicatesCountedOnce() throws Exception {
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 90; i++) {            // 30 minutes, one reading every 20 s
            long ts = T0 + i * 20_000L;
            readings.add(Reading.of("m1", ts, 1.0 + (i % 7) * 0.5));
            readings.add(Reading.of("m2", ts, 10.0 - (i % 5)));
            if (i % 10 == 0) {
                readings.add(Reading.of("m1", ts, 1.0 + (i % 7) * 0.5)); // redelivered copy
            }
        }
        List<LoadPoint> points = run(readings);

        List<Reading> unique = readings.stream().distinct().toList();
        Map<String, LoadPoint> byKey = points.stream().collect(Collectors.toMap(
                p -> p.id() + "/" + p.interval() + "/" + p.windowStart(), Function.identity()));
        assertThat(points).hasSize(2 * (30 + 2)); // 30 one-minute and 2 fifteen-minute points per meter
        for (String meter : List.of("m1", "m2")) {
            for (long start = T0; start < T0 + 1_800_000; start += 900_000) {
                long s = start;
                List<Reading> in = unique.stream().filter(r -> r.meterId().equals(meter) && r.ts() >= s && r.ts() < s + 900_000).toList();
                double avg = in.stream().mapToDouble(Reading::kw).sum() / in.size();
                LoadPoint p = byKey.get(meter + "/15m/" + start);
                assertThat(p.readings()).isEqualTo(45);
                assertThat(p.kwAvg()).isCloseTo(avg, within(1e-12));
                assertThat(p.kwMax()).isEqualTo(in.stream().mapToDouble(Reading::kw).max().orElseThrow());
                assertThat(p.kwMin()).isEqualTo(in.stream().mapToDouble(Reading::kw).min().orElseThrow());
                assertThat(p.kwh()).isCloseTo(avg * 0.25, within(1e-12));
                assertThat(p.level()).isEqualTo("meter");
            }
        }
        assertThat(points.stream().filter(p -> p.interval().equals("1m")).mapToLong(LoadPoint::readings).sum())
                .isEqualTo(unique.size());
    }

    private static List<LoadPoint> run(List<Reading> readings) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(LoadCurveJob.baseConfiguration());
        env.setParallelism(2);
        ArrayList<Reading> data = new ArrayList<>(readings);
        DataGeneratorSource<Reading> source = new DataGeneratorSource<>(i -> data.get(i.intValue()), data.size(),
                TypeInformation.of(Reading.class));
        LoadCurveJob job = new LoadCurveJob(source, new DiscardingSink<>(), new DiscardingSink<LateReading>(),
                LoadCurveJob.Params.onTimeOnly(Duration.ofMinutes(2), Duration.ofSeconds(10), Duration.ofHours(3)));
        LoadCurveJob.Curves curves = job.build(env);
        List<LoadPoint> out = new ArrayList<>();
        try (CloseableIterator<LoadPoint> it = curves.points().collectAsync()) {
            env.execute("load curve pipeline test");
            it.forEachRemaining(out::add);
        }
        return out;
    }
}

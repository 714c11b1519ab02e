package io.kilowatch.flink.influx;

import static io.kilowatch.model.testing.InfluxQuery.asDouble;
import static io.kilowatch.model.testing.InfluxQuery.asLong;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.flink.wiring.FlinkSetup;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestStack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The InfluxDB sink against the real InfluxDB of scripts/stack.sh. */
class InfluxSinkIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();

    @Test
    void writesEveryPointAndARewriteOverwritesInsteadOfDuplicating() throws Exception {
        String id = TestStack.uniquePrefix("sink");
        List<LoadPoint> points = new ArrayList<>();
        for (int i = 0; i < 12_000; i++) { // more than two batches
            points.add(new LoadPoint(
                    "meter",
                    id + "-" + (i % 100),
                    "15m",
                    1_600_000_000_000L + (i / 100) * 900_000L,
                    i * 0.001,
                    i * 0.002,
                    0.0,
                    i * 0.00025,
                    Double.NaN,
                    15,
                    1,
                    0,
                    "power",
                    null));
        }
        write(points, STACK.influxDb());
        // A replay writes the same points again, some with corrected values: same key, so overwritten.
        List<LoadPoint> replay = points.subList(0, 100).stream()
                .map(p -> new LoadPoint(
                        p.level(),
                        p.id(),
                        p.interval(),
                        p.windowStart(),
                        42.0,
                        42.0,
                        42.0,
                        10.5,
                        Double.NaN,
                        16,
                        1,
                        0,
                        "power",
                        null))
                .toList();
        write(replay, STACK.influxDb());

        InfluxQuery influx = new InfluxQuery(STACK.influxUrl(), STACK.influxDb());
        List<Map<String, Object>> count = influx.rows("SELECT count(kw_avg) FROM load WHERE id =~ /^" + id + "-/");
        assertThat(asLong(count.get(0).get("count"))).isEqualTo(12_000L);
        List<Map<String, Object>> rewritten = influx.rows(
                "SELECT kw_avg, kwh, readings FROM load WHERE id = '" + id + "-7' AND time = 1600000000000ms");
        assertThat(rewritten).singleElement().satisfies(r -> {
            assertThat(asDouble(r.get("kw_avg"))).isEqualTo(42.0);
            assertThat(asDouble(r.get("kwh"))).isEqualTo(10.5);
            assertThat(asLong(r.get("readings"))).isEqualTo(16L);
        });
        List<Map<String, Object>> untouched =
                influx.rows("SELECT kw_avg FROM load WHERE id = '" + id + "-7' AND time = 1600000900000ms");
        assertThat(untouched)
                .singleElement()
                .satisfies(r -> assertThat(asDouble(r.get("kw_avg"))).isEqualTo(107 * 0.001));
    }

    @Test
    void aMissingDatabaseFailsTheJobWithTheReason() {
        List<LoadPoint> one =
                List.of(new LoadPoint("meter", "x", "1m", 0, 1, 1, 1, 1, Double.NaN, 1, 1, 0, null, null));
        assertThatThrownBy(() -> write(one, "no_such_db_" + System.nanoTime()))
                .rootCause()
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("database");
    }

    @Test
    void theV2TransportAgainstInfluxDb1FailsTheJobSayingToUseV1() {
        List<LoadPoint> one =
                List.of(new LoadPoint("meter", "x", "1m", 0, 1, 1, 1, 1, Double.NaN, 1, 1, 0, null, null));
        InfluxConfig v2 =
                InfluxConfig.local(STACK.influxUrl(), STACK.influxDb()).v2("token", "org", "bucket");
        assertThatThrownBy(() -> write(one, v2))
                .rootCause()
                .hasMessageContaining("HTTP 404")
                .hasMessageContaining("influx.transport=v1");
    }

    private static void write(List<LoadPoint> points, String db) throws Exception {
        write(points, InfluxConfig.local(STACK.influxUrl(), db).withLogin(TestStack.influxAdmin()));
    }

    private static void write(List<LoadPoint> points, InfluxConfig config) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.baseConfiguration());
        env.setParallelism(2);
        env.fromData(points, TypeInformation.of(LoadPoint.class))
                .sinkTo(new InfluxSink<LoadPoint>((p, ctx) -> LineProtocol.load(p), config));
        env.execute("influx sink test");
    }
}

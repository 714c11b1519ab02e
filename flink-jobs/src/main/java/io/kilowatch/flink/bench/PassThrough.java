package io.kilowatch.flink.bench;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.records.MeterSample;
import io.kilowatch.flink.wiring.Connectors;
import io.kilowatch.flink.wiring.FlinkSetup;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Flink's share of the path alone: reads the readings topic from the beginning to its end now,
 * decodes and slims each reading like the load-curve job, and discards it. The yardstick of
 * the load-curve benchmark, and of a load test's raw components (scripts/loadtest.sh runs it
 * over the run's kw.readings). Configuration as the job's (KW_* environment).
 */
public final class PassThrough {
    private PassThrough() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put("KW_KAFKA_START_FROM", "earliest");
        env.put("KW_JOB_BOUNDED", "true");
        env.putIfAbsent("KW_KAFKA_GROUP_ID", "kilowatch-pass-through-" + System.currentTimeMillis());
        int parallelism = args.length > 1 && args[0].equals("--parallelism") ? Integer.parseInt(args[1]) : 2;
        long start = System.nanoTime();
        long readings = run(JobConfig.load(null, env), parallelism);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                Locale.ROOT,
                "pass-through: %d readings in %.1f s = %.0f readings/s%n",
                readings,
                seconds,
                readings / seconds);
    }

    /** Runs the pass-through to the end of the topic; returns the readings it decoded. */
    static long run(JobConfig c, int parallelism) throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(FlinkSetup.baseConfiguration());
        env.setParallelism(parallelism);
        env.fromSource(Connectors.readings(c), WatermarkStrategy.noWatermarks(), "readings")
                .map(new CountingSlim())
                .name("to samples")
                .sinkTo(new DiscardingSink<>());
        JobExecutionResult result = env.execute("pass-through");
        Long n = result.getAccumulatorResult(CountingSlim.READINGS);
        return n == null ? 0 : n;
    }

    private static final class CountingSlim extends RichMapFunction<io.kilowatch.model.Reading, MeterSample> {
        static final String READINGS = "readings";
        private transient LongCounter readings;

        @Override
        public void open(OpenContext ctx) {
            readings = new LongCounter();
            getRuntimeContext().addAccumulator(READINGS, readings);
        }

        @Override
        public MeterSample map(io.kilowatch.model.Reading r) {
            readings.add(1);
            return MeterSample.of(r);
        }
    }
}

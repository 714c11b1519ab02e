package io.kilowatch.flink.wiring;

import io.kilowatch.flink.JobConfig;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The Flink environment every job runs in, production and tests alike. */
public final class FlinkSetup {
    private FlinkSetup() {}

    /** Settings every environment gets, production and tests alike. */
    public static Configuration baseConfiguration() {
        Configuration c = new Configuration();
        // Every record type must have a real Flink serializer; a Kryo fallback is a bug to fix.
        c.set(PipelineOptions.GENERIC_TYPES, false);
        // Every record type is an immutable record and no function keeps or changes its input,
        // so chained operators may hand records on instead of copying each one (a reflective
        // copy of every reading between the source and the slimming map otherwise).
        c.set(PipelineOptions.OBJECT_REUSE, true);
        return c;
    }

    /**
     * {@link #baseConfiguration()} plus where state lives: on the heap (hashmap, the default: fast,
     * bounded by memory) or in RocksDB on local disk (fleets whose state outgrows the heap).
     */
    public static Configuration stateConfiguration(JobConfig c) {
        Configuration conf = baseConfiguration();
        conf.set(StateBackendOptions.STATE_BACKEND, c.stateBackend());
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, c.checkpointDir());
        return conf;
    }

    /** The production environment: state backend, checkpoints at the configured interval, parallelism when set. */
    public static StreamExecutionEnvironment environment(JobConfig c) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(stateConfiguration(c));
        env.enableCheckpointing(c.checkpointInterval().toMillis());
        if (c.parallelism() > 0) {
            env.setParallelism(c.parallelism());
        }
        return env;
    }
}

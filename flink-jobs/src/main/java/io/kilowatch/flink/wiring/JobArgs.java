package io.kilowatch.flink.wiring;

import io.kilowatch.flink.JobConfig;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The command line every job takes: {@code [--config FILE] [--backfill FROM TO]}. The file may
 * also be named by {@code KW_FLINK_CONFIG}; {@code --backfill} sets {@code backfill.from/to}.
 */
public final class JobArgs {
    private JobArgs() {}

    public static JobConfig parse(String[] args, Map<String, String> environment, boolean backfill) throws Exception {
        Map<String, String> env = new HashMap<>(environment);
        String file = env.get("KW_FLINK_CONFIG");
        String usage = backfill ? "usage: [--config FILE] [--backfill FROM TO]" : "usage: [--config FILE]";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> file = args[++i];
                case "--backfill" -> {
                    if (!backfill) {
                        throw new IllegalArgumentException(usage + "; this job has no backfill");
                    }
                    env.put("KW_BACKFILL_FROM", args[++i]);
                    env.put("KW_BACKFILL_TO", args[++i]);
                }
                default -> throw new IllegalArgumentException(usage + "; unknown " + args[i]);
            }
        }
        return JobConfig.load(file == null ? null : Path.of(file), env);
    }
}

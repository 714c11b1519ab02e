package io.kilowatch.flink.wiring;

import io.kilowatch.flink.JobConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the readings' event time is kept: the out-of-orderness bound a watermark waits for, and
 * how long a quiet partition may hold it back (docs/decisions.md, "Watermarks").
 */
public record EventTime(Duration outOfOrderness, Duration idleness) implements Serializable {
    public static EventTime from(JobConfig c) {
        return new EventTime(c.outOfOrderness(), c.idleness());
    }
}

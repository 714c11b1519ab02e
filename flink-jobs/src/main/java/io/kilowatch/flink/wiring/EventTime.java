package io.kilowatch.flink.wiring;

import io.kilowatch.flink.JobConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the readings' event time is kept: the out-of-orderness bound a watermark waits for, how
 * long a quiet partition may hold it back (docs/decisions.md, "Watermarks"), and after how long
 * without readings (processing time; zero: never) a partition's input is taken to have ended, so
 * the intervals holding its last readings close ({@link EventTimeInputs.ClosingWhenIdle}).
 */
public record EventTime(Duration outOfOrderness, Duration idleness, Duration closeAfterIdle) implements Serializable {
    public EventTime(Duration outOfOrderness, Duration idleness) {
        this(outOfOrderness, idleness, Duration.ZERO);
    }

    public static EventTime from(JobConfig c) {
        return new EventTime(c.outOfOrderness(), c.idleness(), c.closeAfterIdle());
    }
}

package io.kilowatch.flink.wiring;

import io.kilowatch.flink.JobConfig;
import java.io.Serializable;
import java.time.Duration;

/**
 * How the readings' event time is kept: the out-of-orderness bound a watermark waits for, how
 * long a quiet partition may hold it back (docs/decisions.md, "Watermarks"), after how long
 * without readings (processing time; zero: never) a partition's input is taken to have ended, so
 * the intervals holding its last readings close ({@link EventTimeInputs.ClosingWhenIdle}), and
 * whether event time waits for the end of the input ({@code untilEnd}: a backfill).
 */
public record EventTime(Duration outOfOrderness, Duration idleness, Duration closeAfterIdle, boolean untilEnd)
        implements Serializable {
    public EventTime(Duration outOfOrderness, Duration idleness) {
        this(outOfOrderness, idleness, Duration.ZERO, false);
    }

    /**
     * A backfill reads kw.readings from long before its range to the end, and a partition may
     * hold the range's readings in several runs, each in time order: today's live data around an
     * import, an import of some meters and a later one of others. A watermark moved by one run
     * would make the next one late, so a backfill's event time waits for the whole input and
     * everything is judged at its end (as reference data is, {@link EventTimeInputs#referenceWatermarks}).
     */
    public static EventTime from(JobConfig c) {
        return new EventTime(c.outOfOrderness(), c.idleness(), c.closeAfterIdle(), c.isBackfill());
    }
}

package io.kilowatch.flink.records;

import java.time.Duration;

/** Load-curve intervals, with the tag value they carry in InfluxDB ({@code interval=1m}). */
public enum Interval {
    ONE_MINUTE("1m", Duration.ofMinutes(1)),
    FIFTEEN_MINUTES("15m", Duration.ofMinutes(15));

    private final String tag;
    private final Duration length;

    Interval(String tag, Duration length) {
        this.tag = tag;
        this.length = length;
    }

    public String tag() {
        return tag;
    }

    public Duration length() {
        return length;
    }

    public double hours() {
        return length.toMillis() / 3_600_000.0;
    }
}

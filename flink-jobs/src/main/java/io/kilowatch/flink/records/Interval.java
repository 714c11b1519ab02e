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

    public static Interval ofTag(String tag) {
        for (Interval i : values()) {
            if (i.tag.equals(tag)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no interval " + tag);
    }

    public String tag() {
        return tag;
    }

    public Duration length() {
        return length;
    }

    public long millis() {
        return length.toMillis();
    }

    public double hours() {
        return length.toMillis() / 3_600_000.0;
    }

    /** Start of the interval that holds {@code ts} (epoch ms; intervals are aligned to UTC, which every zone's quarter-hours are too). */
    public long startOf(long ts) {
        return ts - Math.floorMod(ts, millis());
    }
}

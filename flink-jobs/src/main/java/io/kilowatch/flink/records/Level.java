package io.kilowatch.flink.records;

/** The aggregate levels of a load curve (DESIGN.md), with the value of their {@code level} tag. */
public enum Level {
    TRANSFORMER("transformer"),
    FEEDER("feeder"),
    REGION("region"),
    CLASS("class");

    private final String tag;

    Level(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return tag;
    }
}

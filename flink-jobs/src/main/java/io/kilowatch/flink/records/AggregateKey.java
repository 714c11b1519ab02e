package io.kilowatch.flink.records;

/**
 * One aggregate's load curve at one interval length: the key of the roll-ups. The hash is
 * written out from the id's hash and the enums' ordinals, because an enum's own hash is its
 * identity and differs between the JVMs of a cluster, which would send a key to a subtask that
 * does not own its key group.
 */
public record AggregateKey(Level level, String id, Interval interval) {
    public AggregateKey {
        if (level == null || id == null || interval == null) {
            throw new IllegalArgumentException("an aggregate key needs a level, an id and an interval");
        }
    }

    @Override
    public int hashCode() {
        return (31 * level.ordinal() + id.hashCode()) * 31 + interval.ordinal();
    }

    @Override
    public String toString() {
        return level.tag() + " " + id + " " + interval.tag();
    }
}

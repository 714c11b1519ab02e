package io.kilowatch.sim.replay;

import io.kilowatch.model.Reading;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns recorded energy into readings as a meter would have sent them: each row of period P is
 * split into readings every {@code resolutionMs} (which must divide P), each with the row's
 * average power ({@code kwh / P}) and the import register at its instant, the register
 * advancing by exactly the row's energy. Missing rows stay missing: the register does not move
 * over them, because the recording does not say what was consumed then (and a replay must not
 * invent it).
 * Timestamps move by {@code shiftMs} (recorded years ago, replayed as recent data).
 */
public final class Replay {
    private Replay() {}

    public static List<Reading> readings(List<RecordedRow> rows, long resolutionMs, long shiftMs, String idPrefix) {
        List<RecordedRow> sorted = new ArrayList<>(rows);
        sorted.sort(Comparator.comparingLong(RecordedRow::start).thenComparing(RecordedRow::meterId));
        Map<String, double[]> registers = new HashMap<>();
        List<Reading> out = new ArrayList<>();
        for (RecordedRow r : sorted) {
            if (r.periodMs() % resolutionMs != 0) {
                throw new IllegalArgumentException(
                        "resolution " + resolutionMs + " ms does not divide the data's period " + r.periodMs() + " ms");
            }
            int parts = (int) (r.periodMs() / resolutionMs);
            double kw = r.kwh() / (r.periodMs() / 3_600_000.0);
            double[] register = registers.computeIfAbsent(r.meterId(), id -> new double[] {1000.0});
            for (int i = 0; i < parts; i++) {
                out.add(Reading.of(idPrefix + r.meterId(), r.start() + i * resolutionMs + shiftMs, kw)
                        .withImportKwh(register[0]));
                register[0] += r.kwh() / parts;
            }
        }
        // In time order across meters, as a fleet sends them: a half hour's second quarter of
        // one meter must not go out before the first quarter of the next.
        out.sort(Comparator.comparingLong(Reading::ts).thenComparing(Reading::meterId));
        return out;
    }

    /**
     * Why the bridge would dead-letter some of {@code readings} (sorted by time) with its age
     * horizon and clock skew, and what to do instead; null when it accepts them all. Said before
     * anything is published, so a year is not sent to the dead-letter topic a reading at a time.
     */
    public static String refusal(
            List<Reading> readings, long now, java.time.Duration maxAge, java.time.Duration maxClockSkew) {
        if (readings.isEmpty()) {
            return null;
        }
        long first = readings.get(0).ts();
        long last = readings.get(readings.size() - 1).ts();
        if (!maxAge.isZero() && first < now - maxAge.toMillis()) {
            long tooOld = readings.stream()
                    .filter(r -> r.ts() < now - maxAge.toMillis())
                    .count();
            return String.format(
                    "refused: the bridge would dead-letter %,d of %,d readings as TIMESTAMP_TOO_OLD: they start at %s,"
                            + " older than its age horizon ingest.max-age=%s. Replay at most %s of data (--from/--to) with --shift auto,"
                            + " or write history straight to Kafka with the import command and compute it with --backfill"
                            + " (docs/importing-history.md), or start the bridge with KW_INGEST_MAX_AGE=0s (and run this with"
                            + " --bridge-max-age 0s).",
                    tooOld, readings.size(), java.time.Instant.ofEpochMilli(first), human(maxAge), human(maxAge));
        }
        if (last > now + maxClockSkew.toMillis()) {
            long ahead = readings.stream()
                    .filter(r -> r.ts() > now + maxClockSkew.toMillis())
                    .count();
            return String.format(
                    "refused: the bridge would dead-letter %,d of %,d readings as TIMESTAMP_IN_FUTURE: they reach %s,"
                            + " beyond its clock by more than ingest.max-clock-skew=%s. Use --shift auto, or a smaller --shift.",
                    ahead, readings.size(), java.time.Instant.ofEpochMilli(last), human(maxClockSkew));
        }
        return null;
    }

    private static String human(java.time.Duration d) {
        return d.toMillis() % 86_400_000 == 0
                ? d.toDays() + "d"
                : d.toMillis() % 60_000 == 0 ? d.toMinutes() + "m" : d.toString();
    }

    /** Whole days that move {@code lastTs} into the day before {@code now}: recorded data replayed as recent. */
    public static long recentShift(long lastTs, long now) {
        long day = 86_400_000;
        return -Math.floorDiv(-(now - day - lastTs), day) * day; // ceil: lands in [now - 1 day, now)
    }
}

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
                throw new IllegalArgumentException("resolution " + resolutionMs + " ms does not divide the data's period " + r.periodMs() + " ms");
            }
            int parts = (int) (r.periodMs() / resolutionMs);
            double kw = r.kwh() / (r.periodMs() / 3_600_000.0);
            double[] register = registers.computeIfAbsent(r.meterId(), id -> new double[] {1000.0});
            for (int i = 0; i < parts; i++) {
                out.add(Reading.of(idPrefix + r.meterId(), r.start() + i * resolutionMs + shiftMs, kw).withImportKwh(register[0]));
                register[0] += r.kwh() / parts;
            }
        }
        // In time order across meters, as a fleet sends them: a half hour's second quarter of
        // one meter must not go out before the first quarter of the next.
        out.sort(Comparator.comparingLong(Reading::ts).thenComparing(Reading::meterId));
        return out;
    }

    /** Whole days that move {@code lastTs} into the day before {@code now}: recorded data replayed as recent. */
    public static long recentShift(long lastTs, long now) {
        long day = 86_400_000;
        return -Math.floorDiv(-(now - day - lastTs), day) * day; // ceil: lands in [now - 1 day, now)
    }
}

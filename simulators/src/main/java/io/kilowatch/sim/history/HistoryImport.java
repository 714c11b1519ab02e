package io.kilowatch.sim.history;

import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.intake.PlausibilityRules;
import io.kilowatch.model.intake.ReadingRouter;
import io.kilowatch.model.intake.Routed;
import io.kilowatch.sim.replay.RecordedRow;
import io.kilowatch.sim.replay.Replay;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Judges recorded readings as the bridge judges what devices publish: the same codec, the same
 * rules ({@link ReadingRouter} in model/), the same dead-letter reasons, with the import's own
 * age horizon. Pure: no I/O but reading the files, so every count is unit-tested.
 */
public final class HistoryImport {
    private final ReadingCodec codec = new ReadingCodec();
    private final ReadingRouter router;
    private final long now;
    private final Instant from;
    private final Instant to;

    /**
     * @param now the clock the age horizon and the future-skew rule are judged against
     * @param from, to keep only readings in [from, to) (either may be null)
     */
    public HistoryImport(PlausibilityRules rules, int maxPayloadBytes, long now, Instant from, Instant to) {
        this.router = new ReadingRouter(codec, maxPayloadBytes, rules);
        this.now = now;
        this.from = from;
        this.to = to;
    }

    /** Rows of a recorded layout (lcl, eld, sgcc) turned into readings as {@code replay} does, unshifted. */
    public Judged recorded(List<RecordedRow> rows, long resolutionMs, String idPrefix, String source) {
        Judged j = new Judged();
        for (Reading r : Replay.readings(rows, resolutionMs, 0, idPrefix)) {
            byte[] payload = codec.encode(r);
            judge(j, new ImportRecord(source, payload, payload));
        }
        return j.sorted();
    }

    /** Plain CSV files ({@link PlainCsv}). */
    public Judged plainCsv(List<Path> files, String idPrefix) throws IOException {
        Judged j = new Judged();
        for (Path f : files) {
            PlainCsv.read(f, idPrefix, rec -> judge(j, rec), bad -> {
                j.countRead();
                j.deadLetter(bad.source(), new Routed.Rejected(bad.original(), bad.reason(), bad.detail(), -1));
            });
        }
        return j.sorted();
    }

    private void judge(Judged j, ImportRecord rec) {
        j.countRead();
        Routed routed = router.routeRecorded(rec.payload(), now);
        for (Routed.Rejected r : routed.rejected()) {
            // The file's own line says more to whoever fixes it than the JSON made of it.
            j.deadLetter(rec.source(), new Routed.Rejected(rec.original(), r.reason(), r.detail(), r.batchIndex()));
        }
        for (Routed.Accepted a : routed.accepted()) {
            long ts = a.ts();
            if ((from != null && ts < from.toEpochMilli()) || (to != null && ts >= to.toEpochMilli())) {
                j.countOutsideRange();
            } else {
                j.accept(a.meterId(), ts, a.value());
            }
        }
    }
}

package io.kilowatch.sim.loadtest;

import io.kilowatch.model.ConcentratorBatch;
import io.kilowatch.model.Reading;
import java.util.ArrayList;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The load test's publishing loop: ramps to the target rate, holds it, then publishes a thin tail
 * so that event time passes the last full minute's window. Driven by the clock, in slices, so the
 * bookkeeping (rates per second, the hold's start and end, the tail, the console line) runs on
 * time however slowly the broker takes messages. Every reading goes into the {@link Ledger}.
 */
final class LoadPublisher {
    static final long SLICE_MS = 50;

    /** What was published: counts, the rates of every second, and when. */
    record Published(
            long start,
            long publishedUntil,
            long tailEnd,
            long sent,
            long messages,
            long probes,
            double sustained,
            List<Plot.Second> seconds) {}

    private final LoadtestRun.Settings s;
    private final LoadtestRun.Sender sender;
    private final Ledger ledger;
    private final MinutePoller poller;
    private long sent;
    private long messages;
    private long probes;

    LoadPublisher(LoadtestRun.Settings s, LoadtestRun.Sender sender, Ledger ledger, MinutePoller poller) {
        this.s = s;
        this.sender = sender;
        this.ledger = ledger;
        this.poller = poller;
    }

    Published run(long start) throws Exception {
        List<Plot.Second> seconds = new ArrayList<>();
        double[] register = new double[s.meters()];
        boolean[] probed = new boolean[s.meters()];
        List<Reading> batch = new ArrayList<>();
        int meter = 0;
        double due = 0;
        long holdEnd = start + s.ramp().toMillis() + s.hold().toMillis();
        // The tail: a trickle long enough for event time to pass the last full minute's window.
        long tailEnd = holdEnd + 60_000 + s.closeDelay().toMillis() + 5_000;
        long lastSecond = start;
        long sentAtLastSecond = 0;
        long ackedAtLastSecond = 0;
        long lastPrint = start;
        long lastTick = start;
        long rampEnd = start + s.ramp().toMillis();
        long probeAt = rampEnd + s.hold().toMillis() / 2;
        long[] ackedAt = {-1, -1, 0, 0}; // acked readings and time when the hold began and ended
        while (true) {
            long now = System.currentTimeMillis();
            if (now >= tailEnd) {
                break;
            }
            double target = targetRate(now - start, holdEnd - start);
            if (ackedAt[0] < 0 && now >= rampEnd) {
                ackedAt[0] = ackedReadings();
                ackedAt[2] = now;
            }
            if (ackedAt[1] < 0 && now >= holdEnd) {
                ackedAt[1] = ackedReadings();
                ackedAt[3] = now;
            }
            due += target * (now - lastTick) / 1000.0; // by the clock, not by loop turns, which may run late
            // A saturated publisher (the broker pushing back) does not build a backlog to send
            // later at full speed: at most a second's worth; the report shows what was sustained.
            due = Math.min(due, sent + target);
            lastTick = now;
            poller.minuteNow(now - Math.floorMod(now, 60_000L));
            // Publish in slices, so the clock-driven bookkeeping (per-second rates, the hold's
            // start and end, the tail) runs on time however slow publishing gets.
            while (sent < (long) due && System.currentTimeMillis() - now < SLICE_MS) {
                long ts = System.currentTimeMillis();
                String id = String.format("%s%06d", s.prefix(), meter);
                double kw = 0.5 + (meter % 17) * 0.25;
                if (s.alertProbeEvery() > 0 && meter % s.alertProbeEvery() == 0 && !probed[meter] && ts >= probeAt) {
                    register[meter] -= 10; // the register goes back 10 kWh: one tamper alert, opened by this reading
                    probed[meter] = true;
                    probes++;
                }
                Reading r = Reading.of(id, ts, kw).withImportKwh(Math.round((1000 + register[meter]) * 1000) / 1000.0);
                register[meter] += kw * SLICE_MS / 3_600_000.0;
                meter = (meter + 1) % s.meters();
                if (s.mode().equals("per-meter")) {
                    sender.reading(r);
                    messages++;
                } else {
                    batch.add(r);
                    if (batch.size() >= s.batchSize()) {
                        sender.batch(new ConcentratorBatch("LTC" + (sent / s.batchSize()) % 1000, List.copyOf(batch)));
                        batch.clear();
                        messages++;
                    }
                }
                ledger.published(ts, System.currentTimeMillis());
                sent++;
            }
            if (now - lastSecond >= 1000) {
                long acked = ackedReadings();
                seconds.add(new Plot.Second(
                        now,
                        target,
                        (sent - sentAtLastSecond) * 1000 / (now - lastSecond),
                        (acked - ackedAtLastSecond) * 1000 / (now - lastSecond)));
                sentAtLastSecond = sent;
                ackedAtLastSecond = acked;
                lastSecond = now;
            }
            if (now - lastPrint >= 5000) {
                lastPrint = now;
                Histogram close = ledger.closeToPoint();
                System.out.printf(
                        "loadtest: %4ds target %,.0f/s, published %,d, acked %,d, failed %d, minutes complete %d, window close -> point p99 %s%n",
                        (now - start) / 1000,
                        target,
                        sent,
                        ackedReadings(),
                        sender.failed(),
                        close.getTotalCount(),
                        close.getTotalCount() == 0 ? "-" : close.getValueAtPercentile(99) + " ms");
            }
            long sleep = SLICE_MS - (System.currentTimeMillis() - now);
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
        }
        if (!batch.isEmpty()) {
            sender.batch(new ConcentratorBatch("LTC-last", List.copyOf(batch)));
            messages++;
        }
        double sustained = ackedAt[1] < 0 || ackedAt[3] <= ackedAt[2]
                ? 0
                : (ackedAt[1] - ackedAt[0]) * 1000.0 / (ackedAt[3] - ackedAt[2]);
        return new Published(start, System.currentTimeMillis(), tailEnd, sent, messages, probes, sustained, seconds);
    }

    /** Readings the broker acknowledged: messages for per-meter mode; full batches (and the last one) for concentrators. */
    long ackedReadings() {
        long acked = sender.acked();
        if (s.mode().equals("per-meter") || acked >= messages) {
            return acked >= messages ? sent : acked;
        }
        return Math.min(sent, acked * s.batchSize());
    }

    private double targetRate(long elapsed, long holdEndElapsed) {
        long ramp = s.ramp().toMillis();
        if (elapsed < ramp) {
            return s.rate() * Math.max(0.02, (double) elapsed / ramp);
        }
        if (elapsed < holdEndElapsed) {
            return s.rate();
        }
        return Math.max(10, s.rate() * 0.01);
    }
}

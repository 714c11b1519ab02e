package io.kilowatch.sim.fleet;

import io.kilowatch.model.ConcentratorBatch;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.Topics;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a fleet through simulated time and publishes its readings.
 *
 * <p>Time control: simulated time runs {@code speed} times faster than the wall clock
 * ({@code speed <= 0}: as fast as the broker takes it). Each reading is published at its
 * timestamp plus a random delay up to {@code maxDelay}, so with a delay the order on the wire
 * is shuffled within that bound, the way radio retries and busy gateways shuffle it.
 *
 * <p>Devices report as {@link Reporting} says: some meters behind concentrators that upload
 * batches late and sometimes twice, readings lost in the field, QoS 1 duplicates, skewed clocks.
 *
 * <p>{@code record}, if set, receives every published reading exactly as sent (the readings of a
 * batch one by one), one JSON per line, in publish order: the ground truth a test recomputes
 * expected results from.
 */
public final class FleetSimulation implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetSimulation.class);

    /** Where readings go: MQTT in production, anything in tests. */
    public interface Publisher {
        void publish(String topic, byte[] payload) throws Exception;

        /** With the simulated time the message goes out at, for a publisher that keeps its connections together in it. */
        default void publish(String topic, byte[] payload, long simulatedAt) throws Exception {
            publish(topic, payload);
        }
    }

    public record Settings(
            Instant start, Duration duration, Duration period, double speed, Duration maxDelay, long seed) {}

    /** A reading a meter publishes itself, or a concentrator's batch. */
    private record Pending(long publishAt, long seq, Reading reading, ConcentratorBatch batch)
            implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            int c = Long.compare(publishAt, o.publishAt);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final Fleet fleet;
    private final Settings settings;
    private final Reporting reporting;
    private final Scenario scenario;
    private final AtomicLong dark = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong duplicated = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong reuploads = new AtomicLong();
    private final Publisher publisher;
    private final OutputStream record;
    private final ReadingCodec codec = new ReadingCodec();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong simulatedTime = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();

    public FleetSimulation(Fleet fleet, Settings settings, Publisher publisher, Path recordFile) throws IOException {
        this(fleet, settings, Reporting.direct(), Scenario.none(), publisher, recordFile);
    }

    public FleetSimulation(Fleet fleet, Settings settings, Reporting reporting, Publisher publisher, Path recordFile)
            throws IOException {
        this(fleet, settings, reporting, Scenario.none(), publisher, recordFile);
    }

    public FleetSimulation(
            Fleet fleet,
            Settings settings,
            Reporting reporting,
            Scenario scenario,
            Publisher publisher,
            Path recordFile)
            throws IOException {
        this.fleet = fleet;
        this.settings = settings;
        this.reporting = reporting;
        this.scenario = scenario;
        this.publisher = publisher;
        this.record = recordFile == null ? null : new BufferedOutputStream(Files.newOutputStream(recordFile), 1 << 16);
    }

    @Override
    public void run() {
        long start = settings.start().toEpochMilli();
        long end = start + settings.duration().toMillis();
        long period = settings.period().toMillis();
        long maxDelay = settings.maxDelay().toMillis();
        long batchEvery = reporting.batchEvery().toMillis();
        SplittableRandom delays = new SplittableRandom(settings.seed() ^ 0x2545F4914F6CDD1DL);
        SplittableRandom field = new SplittableRandom(settings.seed() ^ 0x6A09E667F3BCC909L);
        long[] skew = new long[fleet.size()];
        int[] concentrator = reporting.concentrators(fleet.size());
        for (int m = 0; m < fleet.size(); m++) {
            long maxSkew = reporting.maxClockSkew().toMillis();
            skew[m] = maxSkew == 0 ? 0 : field.nextLong(-maxSkew, maxSkew + 1) / 1000 * 1000;
        }
        List<List<Reading>> collected = new ArrayList<>();
        PriorityQueue<Pending> queue = new PriorityQueue<>();
        long wallStart = System.nanoTime();
        long[] seq = {0};
        try {
            for (long tick = start; tick < end && !stopped.get(); tick += period) {
                for (int m = 0; m < fleet.size(); m++) {
                    Topology.MeterSpec spec = fleet.topology().meter(m);
                    // Always read: registers advance whether or not it is sent.
                    Reading r = scenario.drawn(spec, fleet.read(m, tick), fleet.zone());
                    fleet.drew(m, tick, r.kw());
                    r = scenario.apply(spec, r, fleet.periodHours(), fleet.zone());
                    if (r == null) {
                        dark.incrementAndGet(); // an injected outage: the meter is dark
                        continue;
                    }
                    if (reporting.dropRate() > 0 && field.nextDouble() < reporting.dropRate()) {
                        dropped.incrementAndGet();
                        continue;
                    }
                    if (skew[m] != 0) {
                        r = new Reading(
                                r.meterId(),
                                r.ts() + skew[m],
                                r.kw(),
                                r.importKwh(),
                                r.exportKwh(),
                                r.kvar(),
                                r.voltageV(),
                                r.currentA(),
                                r.pf());
                    }
                    if (concentrator[m] >= 0) {
                        while (collected.size() <= concentrator[m]) {
                            collected.add(new ArrayList<>());
                        }
                        collected.get(concentrator[m]).add(r);
                        continue;
                    }
                    long delay = maxDelay == 0 ? 0 : delays.nextLong(maxDelay + 1);
                    queue.add(new Pending(tick + delay, seq[0]++, r, null));
                    if (reporting.duplicateRate() > 0 && field.nextDouble() < reporting.duplicateRate()) {
                        duplicated.incrementAndGet();
                        queue.add(new Pending(tick + delay, seq[0]++, r, null));
                    }
                }
                // Readings taken at `tick` are published after their period has elapsed.
                long now = tick + period;
                if ((now - start) % batchEvery == 0 || now >= end) {
                    upload(collected, now, queue, field, seq);
                }
                pace(wallStart, now - start);
                simulatedTime.set(now);
                while (!queue.isEmpty() && queue.peek().publishAt() <= now && !stopped.get()) {
                    send(queue.poll());
                }
            }
            while (!queue.isEmpty() && !stopped.get()) {
                Pending p = queue.poll();
                pace(wallStart, p.publishAt() - start);
                send(p);
            }
            if (record != null) {
                record.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException("simulation stopped: " + e.getMessage(), e);
        }
    }

    /** Each concentrator's readings so far become a batch, uploaded after a delay, some twice. */
    private void upload(
            List<List<Reading>> collected, long now, PriorityQueue<Pending> queue, SplittableRandom field, long[] seq) {
        long maxUpload = reporting.maxUploadDelay().toMillis();
        for (int c = 0; c < collected.size(); c++) {
            List<Reading> readings = collected.get(c);
            if (readings.isEmpty()) {
                continue;
            }
            ConcentratorBatch batch = new ConcentratorBatch(Reporting.concentratorId(c), List.copyOf(readings));
            readings.clear();
            long at = now + (maxUpload == 0 ? 0 : field.nextLong(maxUpload + 1));
            queue.add(new Pending(at, seq[0]++, null, batch));
            batches.incrementAndGet();
            if (reporting.reuploadRate() > 0 && field.nextDouble() < reporting.reuploadRate()) {
                reuploads.incrementAndGet();
                queue.add(new Pending(at + field.nextLong(600_001), seq[0]++, null, batch));
            }
        }
    }

    private void send(Pending p) throws Exception {
        if (p.reading() != null) {
            send(p.reading(), p.publishAt());
            return;
        }
        publisher.publish(
                Topics.concentratorBatchTopic(p.batch().concentratorId()), codec.encode(p.batch()), p.publishAt());
        for (Reading r : p.batch().readings()) {
            if (record != null) {
                record.write(codec.encode(r));
                record.write('\n');
            }
            published.incrementAndGet();
        }
    }

    private void send(Reading r, long at) throws Exception {
        byte[] payload = codec.encode(r);
        publisher.publish(Topics.meterReadingTopic(r.meterId()), payload, at);
        if (record != null) {
            record.write(payload);
            record.write('\n');
        }
        published.incrementAndGet();
    }

    private void pace(long wallStart, long simulatedElapsedMs) throws InterruptedException {
        if (settings.speed() <= 0) {
            return;
        }
        long dueNanos = wallStart + (long) (simulatedElapsedMs * 1_000_000L / settings.speed());
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** Readings sent (each copy of a duplicate or a re-uploaded batch counts). */
    public long published() {
        return published.get();
    }

    public long dropped() {
        return dropped.get();
    }

    /** Readings not sent because an injected outage had the meter dark. */
    public long dark() {
        return dark.get();
    }

    public long duplicated() {
        return duplicated.get();
    }

    public long batches() {
        return batches.get();
    }

    public long reuploads() {
        return reuploads.get();
    }

    /** Simulated time reached so far, epoch ms. */
    public long simulatedTime() {
        return simulatedTime.get();
    }

    public void stop() {
        stopped.set(true);
    }

    @Override
    public void close() throws IOException {
        stop();
        if (record != null) {
            record.close();
        }
        LOG.debug("published {} readings", published());
    }
}

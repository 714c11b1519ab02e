package io.kilowatch.sim.fleet;

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
 * <p>{@code record}, if set, receives every published payload exactly as sent, one JSON per
 * line, in publish order: the ground truth a test recomputes expected results from.
 */
public final class FleetSimulation implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FleetSimulation.class);

    /** Where readings go: MQTT in production, anything in tests. */
    public interface Publisher {
        void publish(String topic, byte[] payload) throws Exception;
    }

    public record Settings(Instant start, Duration duration, Duration period, double speed, Duration maxDelay, long seed) {}

    private record Pending(long publishAt, long seq, Reading reading) implements Comparable<Pending> {
        @Override
        public int compareTo(Pending o) {
            int c = Long.compare(publishAt, o.publishAt);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final Fleet fleet;
    private final Settings settings;
    private final Publisher publisher;
    private final OutputStream record;
    private final ReadingCodec codec = new ReadingCodec();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong simulatedTime = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();

    public FleetSimulation(Fleet fleet, Settings settings, Publisher publisher, Path recordFile) throws IOException {
        this.fleet = fleet;
        this.settings = settings;
        this.publisher = publisher;
        this.record = recordFile == null ? null : new BufferedOutputStream(Files.newOutputStream(recordFile), 1 << 16);
    }

    @Override
    public void run() {
        long start = settings.start().toEpochMilli();
        long end = start + settings.duration().toMillis();
        long period = settings.period().toMillis();
        long maxDelay = settings.maxDelay().toMillis();
        SplittableRandom delays = new SplittableRandom(settings.seed() ^ 0x2545F4914F6CDD1DL);
        PriorityQueue<Pending> queue = new PriorityQueue<>();
        long wallStart = System.nanoTime();
        long seq = 0;
        try {
            for (long tick = start; tick < end && !stopped.get(); tick += period) {
                for (int m = 0; m < fleet.size(); m++) {
                    long delay = maxDelay == 0 ? 0 : delays.nextLong(maxDelay + 1);
                    queue.add(new Pending(tick + delay, seq++, fleet.read(m, tick)));
                }
                // Readings taken at `tick` are published after their period has elapsed.
                long now = tick + period;
                pace(wallStart, now - start);
                simulatedTime.set(now);
                while (!queue.isEmpty() && queue.peek().publishAt() <= now && !stopped.get()) {
                    send(queue.poll().reading());
                }
            }
            while (!queue.isEmpty() && !stopped.get()) {
                Pending p = queue.poll();
                pace(wallStart, p.publishAt() - start);
                send(p.reading());
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

    private void send(Reading r) throws Exception {
        byte[] payload = codec.encode(r);
        publisher.publish(Topics.meterReadingTopic(r.meterId()), payload);
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

    public long published() {
        return published.get();
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

package io.kilowatch.sim.loadtest;

import io.kilowatch.model.ConcentratorBatch;
import io.kilowatch.model.Reading;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * One load test: the publishing loop (ramp, hold, tail), the InfluxDB poller that notices when
 * each minute is complete, the live console line, and the report. The MQTT side is behind
 * {@link Sender} so the loop is testable without a broker.
 */
public final class LoadtestRun {
    /**
     * @param alertProbeEvery one meter in this many sets its register back once, halfway through the
     *     hold: a tamper alert each, which an alert job opens from that reading alone, for the
     *     publish → alert latency (0: none)
     */
    public record Settings(double rate, Duration ramp, Duration hold, int meters, String mode, int batchSize, Duration closeDelay,
                           Duration settle, String kafka, String influxUrl, String influxDb, String prefix, Path out,
                           int alertProbeEvery) {}

    /** Where readings go. */
    public interface Sender {
        void reading(Reading r) throws Exception;

        void batch(ConcentratorBatch b) throws Exception;

        long acked();

        long failed();
    }

    private static final long SLICE_MS = 50;
    private static final Pattern ROW = Pattern.compile("\\[(\\d+),(\\d+|null)\\]");

    private final Settings s;
    private final Sender sender;
    private final Ledger ledger;
    private final HttpClient http = HttpClient.newHttpClient();
    private final AtomicBoolean publishing = new AtomicBoolean(true);
    private volatile long currentMinute;
    private long sent;
    private long messages;
    private long probes;
    /** Readings acknowledged by the broker per second between the end of the ramp and the end of the hold. */
    private double sustained;

    public LoadtestRun(Settings s, Sender sender) {
        this.s = s;
        this.sender = sender;
        this.ledger = new Ledger(s.closeDelay().toMillis());
    }

    /** Runs the test and writes the report; true when every count reconciles. */
    public boolean run() throws Exception {
        Files.createDirectories(s.out());
        Map<TopicPartition, Long> readingsStart = endOffsets("kw.readings");
        Map<TopicPartition, Long> dlqStart = endOffsets("kw.readings.dlq");
        long start = System.currentTimeMillis();
        Thread poller = new Thread(() -> poll(start), "loadtest-influx-poller");
        poller.setDaemon(true);
        poller.start();
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
            currentMinute = now - Math.floorMod(now, 60_000L);
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
                seconds.add(new Plot.Second(now, target, (sent - sentAtLastSecond) * 1000 / (now - lastSecond),
                        (acked - ackedAtLastSecond) * 1000 / (now - lastSecond)));
                sentAtLastSecond = sent;
                ackedAtLastSecond = acked;
                lastSecond = now;
            }
            if (now - lastPrint >= 5000) {
                lastPrint = now;
                Histogram close = ledger.closeToPoint();
                System.out.printf("loadtest: %4ds target %,.0f/s, published %,d, acked %,d, failed %d, minutes complete %d, window close -> point p99 %s%n",
                        (now - start) / 1000, target, sent, ackedReadings(), sender.failed(), close.getTotalCount(),
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
        long publishedUntil = System.currentTimeMillis();
        // Minutes whose window event time has passed (the tail's readings reach tailEnd) start
        // at or before this; a margin for the last readings' way through.
        long lastFullMinute = tailEnd - s.closeDelay().toMillis() - 60_000 - 2_000;
        // Wait for the bridge and the job: everything in Kafka and every closable minute in
        // InfluxDB, or the settle time.
        long deadline = publishedUntil + s.settle().toMillis();
        while (System.currentTimeMillis() < deadline
                && !(allComplete(lastFullMinute) && grown(readingsStart, endOffsets("kw.readings")) + grown(dlqStart,
                endOffsets("kw.readings.dlq")) >= sent)) {
            Thread.sleep(1000);
        }
        publishing.set(false);
        sustained = ackedAt[1] < 0 || ackedAt[3] <= ackedAt[2] ? 0 : (ackedAt[1] - ackedAt[0]) * 1000.0 / (ackedAt[3] - ackedAt[2]);
        return report(start, publishedUntil, lastFullMinute, seconds, readingsStart, dlqStart);
    }

    /** Readings the broker acknowledged: messages for per-meter mode; full batches (and the last one) for concentrators. */
    private long ackedReadings() {
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

    private boolean allComplete(long lastFullMinute) {
        for (Ledger.Minute m : ledger.minutes().values()) {
            if (m.start <= lastFullMinute && m.completeAt == 0) {
                return false;
            }
        }
        return true;
    }

    private void poll(long start) {
        String q = "SELECT sum(\"readings\") FROM \"load\" WHERE \"level\" = 'class' AND \"interval\" = '1m' AND time >= "
                + (start - Math.floorMod(start, 60_000L)) + "ms GROUP BY time(1m)";
        while (publishing.get()) {
            try {
                for (Map.Entry<Long, Long> e : influxMinutes(q).entrySet()) {
                    ledger.observed(e.getKey(), e.getValue(), System.currentTimeMillis(), currentMinute > e.getKey());
                }
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // InfluxDB busy or restarting: ask again
            }
        }
    }

    private Map<Long, Long> influxMinutes(String q) throws IOException, InterruptedException {
        URI uri = URI.create(s.influxUrl() + "/query?epoch=ms&db=" + URLEncoder.encode(s.influxDb(), StandardCharsets.UTF_8) + "&q="
                + URLEncoder.encode(q, StandardCharsets.UTF_8));
        String body = http.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<Long, Long> out = new HashMap<>();
        Matcher m = ROW.matcher(body);
        while (m.find()) {
            if (!m.group(2).equals("null")) {
                out.put(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
            }
        }
        return out;
    }

    /**
     * Publish → alert: readings carry their publish time as event time, so an alert's event time
     * is the publish time of the reading that set it off, and the alert record's timestamp on
     * kw.alerts is when it was there. OPEN events of this run only, once per alert.
     */
    private String alertLine(long start) {
        Histogram h = new Histogram(3_600_000L, 3);
        java.util.Set<String> seen = new java.util.HashSet<>();
        io.kilowatch.sim.score.AlertLog.ALERTS.read(s.kafka(), "kw.alerts", (alert, record) -> {
            if (alert.isOpen() && alert.ts() >= start && seen.add(alert.alertId())) {
                h.recordValue(Math.max(0, Math.min(3_600_000L, record.timestamp() - alert.ts())));
            }
        });
        return alertLatencyLine(h, probes);
    }

    static String alertLatencyLine(Histogram h, long probes) {
        if (h.getTotalCount() == 0) {
            return String.format("Alerts: none opened on kw.alerts during the run (%,d alert probes sent; is an alert job running?):"
                    + " no publish → alert latency.", probes);
        }
        return String.format("Latency, publish → alert on kw.alerts: p50 %,d ms, p95 %,d ms, p99 %,d ms (%,d alerts opened, %,d probes sent).",
                h.getValueAtPercentile(50), h.getValueAtPercentile(95), h.getValueAtPercentile(99), h.getTotalCount(), probes);
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.kafka()))) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            partitions.forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> out = new HashMap<>();
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e : admin.listOffsets(request).all().get().entrySet()) {
                out.put(e.getKey(), e.getValue().offset());
            }
            return out;
        }
    }

    private static long grown(Map<TopicPartition, Long> before, Map<TopicPartition, Long> after) {
        long n = 0;
        for (Map.Entry<TopicPartition, Long> e : after.entrySet()) {
            n += e.getValue() - before.getOrDefault(e.getKey(), 0L);
        }
        return n;
    }

    private boolean report(long start, long publishedUntil, long lastFullMinute, List<Plot.Second> seconds,
                           Map<TopicPartition, Long> readingsStart, Map<TopicPartition, Long> dlqStart) throws Exception {
        long inKafka = grown(readingsStart, endOffsets("kw.readings"));
        long deadLettered = grown(dlqStart, endOffsets("kw.readings.dlq"));
        Map<Long, Ledger.Minute> minutes = ledger.minutes();
        long publishedClosed = 0;
        long completeClosed = 0;
        Map<Long, Long> influx = influxMinutes("SELECT sum(\"readings\") FROM \"load\" WHERE \"level\" = 'class' AND \"interval\" = '1m' AND time >= "
                + (start - Math.floorMod(start, 60_000L)) + "ms GROUP BY time(1m)");
        long inInflux = 0;
        List<String> minuteRows = new ArrayList<>();
        minuteRows.add("minute,published,in_influx,complete_after_window_close_ms");
        List<Plot.MinutePoint> points = new ArrayList<>();
        for (Ledger.Minute m : minutes.values()) {
            long counted = influx.getOrDefault(m.start, 0L);
            long closeToPoint = m.completeAt == 0 ? -1 : m.completeAt - (m.start + 60_000 + ledger.closeDelayMs());
            minuteRows.add(Instant.ofEpochMilli(m.start) + "," + m.published + "," + counted + "," + closeToPoint);
            if (m.start <= lastFullMinute) {
                publishedClosed += m.published;
                inInflux += counted;
                if (m.completeAt != 0) {
                    completeClosed++;
                    points.add(new Plot.MinutePoint(m.start + 60_000, closeToPoint));
                }
            }
        }
        long published = sent;
        Histogram p2p = ledger.publishToPoint();
        Histogram c2p = ledger.closeToPoint();
        double heldRate = sustained;
        boolean reconciled = sender.acked() == messages && sender.failed() == 0 && inKafka + deadLettered == published
                && inInflux == publishedClosed;
        List<String> seconds2 = new ArrayList<>();
        seconds2.add("second,target_per_s,published_per_s,acked_per_s");
        for (Plot.Second x : seconds) {
            seconds2.add((x.t() - start) / 1000 + "," + Math.round(x.target()) + "," + x.published() + "," + x.acked());
        }
        Files.write(s.out().resolve("seconds.csv"), seconds2, StandardCharsets.UTF_8);
        Files.write(s.out().resolve("minutes.csv"), minuteRows, StandardCharsets.UTF_8);
        Plot.write(s.out().resolve("plot.png"), seconds, points, "Kilowatch load test: " + s.mode() + ", target " + Math.round(s.rate()) + " readings/s");
        String md = String.format("""
                # Load test report

                - Run: %s, %s messages, target %,.0f readings/s (ramp %s, hold %s), %,d meters; %d cores, %d GiB.
                - Sustained (acknowledged by the broker while holding): **%,.0f readings/s**.
                - Latency, publish → class-level 1-minute point complete in InfluxDB (includes waiting for the minute to end and
                  its window to close %s later): p50 %,d ms, p95 %,d ms, p99 %,d ms (%,d readings).
                - Latency, window close → 1-minute point complete: p50 %,d ms, p95 %,d ms, p99 %,d ms (%d minutes).
                - %s

                ## Reconciliation (%s)
                | count | readings |
                | --- | --- |
                | published | %,d |
                | acknowledged by the broker | %,d in %,d of %,d messages (failed %d) |
                | in Kafka (kw.readings) | %,d |
                | dead-lettered (kw.readings.dlq) | %,d |
                | published in minutes that closed | %,d |
                | counted in InfluxDB for those minutes (class level, 1 min) | %,d |

                Files: seconds.csv (rates per second), minutes.csv (per minute), plot.png.
                """,
                Instant.ofEpochMilli(start), s.mode(), s.rate(), s.ramp(), s.hold(), s.meters(), Runtime.getRuntime().availableProcessors(),
                (com.sun.management.OperatingSystemMXBean.class.cast(java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize() + (1L << 29)) >> 30,
                heldRate, s.closeDelay(), p2p.getValueAtPercentile(50), p2p.getValueAtPercentile(95), p2p.getValueAtPercentile(99),
                p2p.getTotalCount(), c2p.getValueAtPercentile(50), c2p.getValueAtPercentile(95), c2p.getValueAtPercentile(99), completeClosed,
                alertLine(start), reconciled ? "exact" : "NOT exact", published, ackedReadings(), sender.acked(), messages, sender.failed(), inKafka, deadLettered, publishedClosed, inInflux);
        Files.writeString(s.out().resolve("report.md"), md, StandardCharsets.UTF_8);
        System.out.println(md);
        return reconciled;
    }
}

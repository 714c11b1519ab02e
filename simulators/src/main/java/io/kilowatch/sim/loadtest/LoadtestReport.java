package io.kilowatch.sim.loadtest;

import io.kilowatch.model.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * The load test's report: report.md (sustained rate, latencies, the publish → alert line, the
 * reconciliation), seconds.csv, minutes.csv and plot.png in the output folder, and report.md on
 * the console.
 */
final class LoadtestReport {
    /** What the rest of the pipeline holds after the run: Kafka's counts and InfluxDB's per minute. */
    record Counted(long inKafka, long deadLettered, Map<Long, Long> influxMinutes) {}

    private LoadtestReport() {}

    /** Writes the report; true when every count reconciles. */
    static boolean write(
            LoadtestRun.Settings s,
            Ledger ledger,
            LoadPublisher.Published p,
            long ackedReadings,
            long ackedMessages,
            long failed,
            Counted counted,
            long lastFullMinute,
            String alertLine)
            throws IOException {
        long publishedClosed = 0;
        long completeClosed = 0;
        long inInflux = 0;
        List<String> minuteRows = new ArrayList<>();
        minuteRows.add("minute,published,in_influx,complete_after_window_close_ms");
        List<Plot.MinutePoint> points = new ArrayList<>();
        for (Ledger.Minute m : ledger.minutes().values()) {
            long inMinute = counted.influxMinutes().getOrDefault(m.start, 0L);
            long closeToPoint = m.completeAt == 0 ? -1 : m.completeAt - (m.start + 60_000 + ledger.closeDelayMs());
            minuteRows.add(Instant.ofEpochMilli(m.start) + "," + m.published + "," + inMinute + "," + closeToPoint);
            if (m.start <= lastFullMinute) {
                publishedClosed += m.published;
                inInflux += inMinute;
                if (m.completeAt != 0) {
                    completeClosed++;
                    points.add(new Plot.MinutePoint(m.start + 60_000, closeToPoint));
                }
            }
        }
        Histogram p2p = ledger.publishToPoint();
        Histogram c2p = ledger.closeToPoint();
        boolean reconciled = ackedMessages == p.messages()
                && failed == 0
                && counted.inKafka() + counted.deadLettered() == p.sent()
                && inInflux == publishedClosed;
        List<String> secondRows = new ArrayList<>();
        secondRows.add("second,target_per_s,published_per_s,acked_per_s");
        for (Plot.Second x : p.seconds()) {
            secondRows.add(
                    (x.t() - p.start()) / 1000 + "," + Math.round(x.target()) + "," + x.published() + "," + x.acked());
        }
        Files.write(s.out().resolve("seconds.csv"), secondRows, StandardCharsets.UTF_8);
        Files.write(s.out().resolve("minutes.csv"), minuteRows, StandardCharsets.UTF_8);
        Plot.write(
                s.out().resolve("plot.png"),
                p.seconds(),
                points,
                "Kilowatch load test: " + s.mode() + ", target " + Math.round(s.rate()) + " readings/s");
        String md = String.format(
                """
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
                Instant.ofEpochMilli(p.start()),
                s.mode(),
                s.rate(),
                s.ramp(),
                s.hold(),
                s.meters(),
                Runtime.getRuntime().availableProcessors(),
                (com.sun.management.OperatingSystemMXBean.class
                                        .cast(java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                                        .getTotalMemorySize()
                                + (1L << 29))
                        >> 30,
                p.sustained(),
                s.closeDelay(),
                p2p.getValueAtPercentile(50),
                p2p.getValueAtPercentile(95),
                p2p.getValueAtPercentile(99),
                p2p.getTotalCount(),
                c2p.getValueAtPercentile(50),
                c2p.getValueAtPercentile(95),
                c2p.getValueAtPercentile(99),
                completeClosed,
                alertLine,
                reconciled ? "exact" : "NOT exact",
                p.sent(),
                ackedReadings,
                ackedMessages,
                p.messages(),
                failed,
                counted.inKafka(),
                counted.deadLettered(),
                publishedClosed,
                inInflux);
        Files.writeString(s.out().resolve("report.md"), md, StandardCharsets.UTF_8);
        System.out.println(md);
        return reconciled;
    }

    /**
     * Publish → alert: readings carry their publish time as event time, so an alert's event time
     * is the publish time of the reading that set it off, and the alert record's timestamp on
     * kw.alerts is when it was there. OPEN events of this run only, once per alert.
     */
    static String alertLine(String kafka, long start, long probes) {
        Histogram h = new Histogram(3_600_000L, 3);
        Set<String> seen = new HashSet<>();
        io.kilowatch.sim.score.AlertLog.ALERTS.read(kafka, Topics.ALERTS, (alert, record) -> {
            if (alert.isOpen() && alert.ts() >= start && seen.add(alert.alertId())) {
                h.recordValue(Math.max(0, Math.min(3_600_000L, record.timestamp() - alert.ts())));
            }
        });
        return alertLatencyLine(h, probes);
    }

    static String alertLatencyLine(Histogram h, long probes) {
        if (h.getTotalCount() == 0) {
            return String.format(
                    "Alerts: none opened on kw.alerts during the run (%,d alert probes sent; is an alert job running?):"
                            + " no publish → alert latency.",
                    probes);
        }
        return String.format(
                "Latency, publish → alert on kw.alerts: p50 %,d ms, p95 %,d ms, p99 %,d ms (%,d alerts opened, %,d probes sent).",
                h.getValueAtPercentile(50),
                h.getValueAtPercentile(95),
                h.getValueAtPercentile(99),
                h.getTotalCount(),
                probes);
    }
}

package io.kilowatch.sim.loadtest;

import io.kilowatch.model.ConcentratorBatch;
import io.kilowatch.model.Reading;
import io.kilowatch.model.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * One load test: the {@link LoadPublisher} (ramp, hold, tail), the {@link MinutePoller} that
 * notices when each minute is complete in InfluxDB, the wait for the pipeline to settle, and the
 * {@link LoadtestReport}. The MQTT side is behind {@link Sender} so the loop is testable without
 * a broker.
 */
public final class LoadtestRun {
    /**
     * @param alertProbeEvery one meter in this many sets its register back once, halfway through the
     *     hold: a tamper alert each, which an alert job opens from that reading alone, for the
     *     publish → alert latency (0: none)
     */
    public record Settings(
            double rate,
            Duration ramp,
            Duration hold,
            int meters,
            String mode,
            int batchSize,
            Duration closeDelay,
            Duration settle,
            String kafka,
            String influxUrl,
            String influxDb,
            io.kilowatch.model.InfluxLogin influxLogin,
            String prefix,
            Path out,
            int alertProbeEvery) {}

    /** Where readings go. */
    public interface Sender {
        void reading(Reading r) throws Exception;

        void batch(ConcentratorBatch b) throws Exception;

        long acked();

        long failed();
    }

    private final Settings s;
    private final Sender sender;
    private final Ledger ledger;

    public LoadtestRun(Settings s, Sender sender) {
        this.s = s;
        this.sender = sender;
        this.ledger = new Ledger(s.closeDelay().toMillis());
    }

    /** Runs the test and writes the report; true when every count reconciles. */
    public boolean run() throws Exception {
        Files.createDirectories(s.out());
        Map<TopicPartition, Long> readingsStart = endOffsets(Topics.READINGS);
        Map<TopicPartition, Long> dlqStart = endOffsets(Topics.READINGS_DLQ);
        long start = System.currentTimeMillis();
        MinutePoller poller = new MinutePoller(s.influxUrl(), s.influxDb(), s.influxLogin(), ledger, start);
        poller.start();
        LoadPublisher publisher = new LoadPublisher(s, sender, ledger, poller);
        LoadPublisher.Published p = publisher.run(start);
        // Minutes whose window event time has passed (the tail's readings reach tailEnd) start
        // at or before this; a margin for the last readings' way through.
        long lastFullMinute = p.tailEnd() - s.closeDelay().toMillis() - 60_000 - 2_000;
        // Wait for the bridge and the job: everything in Kafka and every closable minute in
        // InfluxDB, or the settle time.
        long deadline = p.publishedUntil() + s.settle().toMillis();
        while (System.currentTimeMillis() < deadline
                && !(allComplete(lastFullMinute)
                        && grown(readingsStart, endOffsets(Topics.READINGS))
                                        + grown(dlqStart, endOffsets(Topics.READINGS_DLQ))
                                >= p.sent())) {
            Thread.sleep(1000);
        }
        poller.stop();
        LoadtestReport.Counted counted = new LoadtestReport.Counted(
                grown(readingsStart, endOffsets(Topics.READINGS)),
                grown(dlqStart, endOffsets(Topics.READINGS_DLQ)),
                poller.minutes());
        return LoadtestReport.write(
                s,
                ledger,
                p,
                publisher.ackedReadings(),
                sender.acked(),
                sender.failed(),
                counted,
                lastFullMinute,
                LoadtestReport.alertLine(s.kafka(), start, p.probes()));
    }

    private boolean allComplete(long lastFullMinute) {
        for (Ledger.Minute m : ledger.minutes().values()) {
            if (m.start <= lastFullMinute && m.completeAt == 0) {
                return false;
            }
        }
        return true;
    }

    private Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, s.kafka()))) {
            var partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            partitions.forEach(p -> request.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> out = new HashMap<>();
            for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> e :
                    admin.listOffsets(request).all().get().entrySet()) {
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
}

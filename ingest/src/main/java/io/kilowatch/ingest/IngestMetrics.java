package io.kilowatch.ingest;

import io.kilowatch.model.RejectReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters an operator reconciles with: messages received = acknowledged + in flight (+ failed);
 * readings forwarded + dead-lettered = readings the devices sent. Exposed as Prometheus text.
 */
public final class IngestMetrics {
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder messagesAcked = new LongAdder();
    final LongAdder readingsForwarded = new LongAdder();
    final LongAdder kafkaSendFailures = new LongAdder();
    final LongAdder resyncs = new LongAdder();
    final LongAdder mqttConnectFailures = new LongAdder();
    final LongAdder outboundPublished = new LongAdder();
    final LongAdder outboundUnroutable = new LongAdder();
    final LongAdder outboundStaffOnly = new LongAdder();
    final LongAdder outboundConsequences = new LongAdder();
    final LongAdder registryBadRecords = new LongAdder();
    final LongAdder registryRecords = new LongAdder();
    /** 1 once the registry has been read to its end. */
    final AtomicLong registryLoaded = new AtomicLong();

    private volatile java.util.function.IntSupplier servedMeters = () -> 0;
    final LongAdder deferred = new LongAdder();
    final LongAdder pipelineWriteFailures = new LongAdder();
    final LongAdder brokerAccessWrites = new LongAdder();
    final LongAdder brokerAccessFailures = new LongAdder();
    final AtomicLong brokerAccessAccounts = new AtomicLong();
    final AtomicLong brokerAccessSkipped = new AtomicLong();
    /** System.nanoTime() of the last acknowledgement; with messages in flight, its age says whether Kafka is answering. */
    final AtomicLong lastAckNanos = new AtomicLong(System.nanoTime());

    final AtomicLong inFlight = new AtomicLong();
    final LongAdder sendLatencyMicrosTotal = new LongAdder();
    final LongAdder sendLatencyCount = new LongAdder();
    private final Map<RejectReason, LongAdder> deadLettered = new EnumMap<>(RejectReason.class);

    public IngestMetrics() {
        for (RejectReason r : RejectReason.values()) {
            deadLettered.put(r, new LongAdder());
        }
    }

    /** Where the gauge of meters with a registered concentrator reads from. */
    void servedMeters(java.util.function.IntSupplier source) {
        servedMeters = source;
    }

    public long brokerAccessWrites() {
        return brokerAccessWrites.sum();
    }

    public long registryRecords() {
        return registryRecords.sum();
    }

    void countDeadLettered(RejectReason reason) {
        deadLettered.get(reason).increment();
    }

    public long readingsForwarded() {
        return readingsForwarded.sum();
    }

    public long deadLettered() {
        return deadLettered.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long deadLettered(RejectReason reason) {
        return deadLettered.get(reason).sum();
    }

    public long messagesReceived() {
        return messagesReceived.sum();
    }

    public long messagesAcked() {
        return messagesAcked.sum();
    }

    public long inFlight() {
        return inFlight.get();
    }

    public long outboundPublished() {
        return outboundPublished.sum();
    }

    public long outboundStaffOnly() {
        return outboundStaffOnly.sum();
    }

    public long outboundConsequences() {
        return outboundConsequences.sum();
    }

    public long outboundUnroutable() {
        return outboundUnroutable.sum();
    }

    public long kafkaSendFailures() {
        return kafkaSendFailures.sum();
    }

    public long resyncs() {
        return resyncs.sum();
    }

    public long mqttConnectFailures() {
        return mqttConnectFailures.sum();
    }

    /** How long messages have been waiting for Kafka: zero when nothing is in flight. */
    public long stalledMillis() {
        return inFlight.get() == 0 ? 0 : (System.nanoTime() - lastAckNanos.get()) / 1_000_000;
    }

    /**
     * The counters as {@code pipeline} points of InfluxDB (component {@code ingest}), running
     * totals at {@code nowMs}: one point of the totals, and one per dead-letter reason (tag
     * {@code reason}). Rates are their derivative on the dashboard.
     */
    public String pipelineLines(long nowMs) {
        StringBuilder b = new StringBuilder(512);
        long latencyCount = sendLatencyCount.sum();
        b.append("pipeline,component=ingest messages_received=")
                .append(messagesReceived.sum())
                .append('i')
                .append(",messages_acked=")
                .append(messagesAcked.sum())
                .append('i')
                .append(",readings_forwarded=")
                .append(readingsForwarded.sum())
                .append('i')
                .append(",dead_lettered=")
                .append(deadLettered())
                .append('i')
                .append(",kafka_send_failures=")
                .append(kafkaSendFailures.sum())
                .append('i')
                .append(",in_flight=")
                .append(inFlight.get())
                .append('i')
                .append(",outbound_published=")
                .append(outboundPublished.sum())
                .append('i')
                .append(",send_latency_ms=")
                .append(latencyCount == 0 ? 0.0 : sendLatencyMicrosTotal.sum() / 1000.0 / latencyCount)
                .append(' ')
                .append(nowMs)
                .append('\n');
        deadLettered.forEach((reason, n) -> b.append("pipeline,component=ingest,reason=")
                .append(reason.name())
                .append(" dead_lettered=")
                .append(n.sum())
                .append("i ")
                .append(nowMs)
                .append('\n'));
        return b.toString();
    }

    public String prometheus() {
        StringBuilder b = new StringBuilder(1024);
        counter(b, "kilowatch_ingest_messages_received_total", "MQTT messages received", messagesReceived.sum());
        counter(
                b,
                "kilowatch_ingest_messages_acked_total",
                "MQTT messages acknowledged after Kafka accepted all their records",
                messagesAcked.sum());
        counter(
                b,
                "kilowatch_ingest_readings_forwarded_total",
                "Readings written to the readings topic",
                readingsForwarded.sum());
        counter(
                b,
                "kilowatch_ingest_kafka_send_failures_total",
                "Messages left unacknowledged because Kafka refused a record",
                kafkaSendFailures.sum());
        counter(
                b,
                "kilowatch_ingest_resyncs_total",
                "MQTT session resumptions forced to get unacknowledged messages redelivered",
                resyncs.sum());
        counter(
                b,
                "kilowatch_ingest_mqtt_connect_failures_total",
                "Failed attempts to reconnect to the MQTT broker (each retried with backoff up to 30 s)",
                mqttConnectFailures.sum());
        counter(
                b,
                "kilowatch_ingest_outbound_published_total",
                "Alerts and hints published to customers and acknowledged by the broker",
                outboundPublished.sum());
        counter(
                b,
                "kilowatch_ingest_outbound_unroutable_total",
                "Alerts and hints with no known customer, not published",
                outboundUnroutable.sum());
        counter(
                b,
                "kilowatch_ingest_outbound_staff_only_total",
                "Alerts for staff only (theft, tamper, grid assets), not sent to customers",
                outboundStaffOnly.sum());
        counter(
                b,
                "kilowatch_ingest_outbound_consequences_total",
                "Alerts folded under another alert of the same meter (a spike of an over-capacity), not sent on their own",
                outboundConsequences.sum());
        counter(
                b,
                "kilowatch_ingest_registry_records_total",
                "Registry records applied (entries and tombstones) since start",
                registryRecords.sum());
        counter(
                b,
                "kilowatch_ingest_registry_bad_records_total",
                "Registry records that could not be read, ignored",
                registryBadRecords.sum());
        gauge(
                b,
                "kilowatch_ingest_registry_loaded",
                "1 once the registry has been read to its end",
                registryLoaded.get());
        gauge(
                b,
                "kilowatch_ingest_concentrator_served_meters",
                "Meters the registry says a concentrator reads; 0: batches are not checked (NOT_SERVED)",
                servedMeters.getAsInt());
        counter(
                b,
                "kilowatch_ingest_messages_deferred_total",
                "Messages left for redelivery while a resync was pending",
                deferred.sum());
        counter(
                b,
                "kilowatch_ingest_pipeline_write_failures_total",
                "Writes of the pipeline counters to InfluxDB that failed",
                pipelineWriteFailures.sum());
        counter(
                b,
                "kilowatch_ingest_broker_access_writes_total",
                "Broker password and ACL files rewritten from the registry and reloaded",
                brokerAccessWrites.sum());
        counter(
                b,
                "kilowatch_ingest_broker_access_failures_total",
                "Broker access files that could not be written or reloaded (retried)",
                brokerAccessFailures.sum());
        gauge(
                b,
                "kilowatch_ingest_broker_access_accounts",
                "Registry-derived broker accounts in the last written files",
                brokerAccessAccounts.get());
        gauge(
                b,
                "kilowatch_ingest_broker_access_skipped_ids",
                "Registry ids that cannot be broker accounts (':' or white space), so cannot connect",
                brokerAccessSkipped.get());
        b.append("# HELP kilowatch_ingest_dead_lettered_total Readings or payloads written to the dead-letter topic\n")
                .append("# TYPE kilowatch_ingest_dead_lettered_total counter\n");
        deadLettered.forEach((reason, n) -> b.append("kilowatch_ingest_dead_lettered_total{reason=\"")
                .append(reason.name())
                .append("\"} ")
                .append(n.sum())
                .append('\n'));
        b.append("# HELP kilowatch_ingest_in_flight MQTT messages received and not yet acknowledged\n")
                .append("# TYPE kilowatch_ingest_in_flight gauge\n")
                .append("kilowatch_ingest_in_flight ")
                .append(inFlight.get())
                .append('\n');
        counter(
                b,
                "kilowatch_ingest_kafka_send_latency_micros_total",
                "Sum of message receive-to-Kafka-ack latency",
                sendLatencyMicrosTotal.sum());
        counter(
                b,
                "kilowatch_ingest_kafka_send_latency_count",
                "Messages whose Kafka latency is summed above",
                sendLatencyCount.sum());
        return b.toString();
    }

    private static void gauge(StringBuilder b, String name, String help, long value) {
        b.append("# HELP ")
                .append(name)
                .append(' ')
                .append(help)
                .append("\n# TYPE ")
                .append(name)
                .append(" gauge\n")
                .append(name)
                .append(' ')
                .append(value)
                .append('\n');
    }

    private static void counter(StringBuilder b, String name, String help, long value) {
        b.append("# HELP ")
                .append(name)
                .append(' ')
                .append(help)
                .append('\n')
                .append("# TYPE ")
                .append(name)
                .append(" counter\n")
                .append(name)
                .append(' ')
                .append(value)
                .append('\n');
    }
}

package io.kilowatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.RejectReason;
import org.junit.jupiter.api.Test;

/** The bridge's counters as the pipeline measurement's points: running totals, one point per dead-letter reason. */
class IngestMetricsTest {
    @Test
    void countersAreRunningTotalsOfThePipelineMeasurement() {
        IngestMetrics m = new IngestMetrics();
        m.messagesReceived.add(10);
        m.messagesAcked.add(9);
        m.readingsForwarded.add(25);
        m.countDeadLettered(RejectReason.values()[0]);
        m.sendLatencyMicrosTotal.add(3000);
        m.sendLatencyCount.add(2);
        String lines = m.pipelineLines(1_000);
        assertThat(lines)
                .startsWith(
                        "pipeline,component=ingest messages_received=10i,messages_acked=9i,readings_forwarded=25i,"
                                + "dead_lettered=1i,kafka_send_failures=0i,in_flight=0i,outbound_published=0i,send_latency_ms=1.5 1000\n");
        assertThat(lines)
                .contains("pipeline,component=ingest,reason=" + RejectReason.values()[0].name()
                        + " dead_lettered=1i 1000\n");
        assertThat(lines.lines().count()).isEqualTo(1 + RejectReason.values().length);
    }
}

package io.kilowatch.flink.io;

import io.kilowatch.model.Alert;
import io.kilowatch.model.AlertCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * kw.alerts: key the subject (a meter or a transformer), so an episode's OPEN and RESOLVED stay
 * in order on one partition; value the alert's JSON. The record's timestamp is left to the
 * producer (when it was sent), which the load test reads as the time the alert was out.
 */
public class AlertSerializationSchema implements KafkaRecordSerializationSchema<Alert> {
    private final String topic;
    private transient AlertCodec codec;

    public AlertSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Alert alert, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = new AlertCodec();
        }
        return new ProducerRecord<>(
                topic, null, null, alert.subjectId().getBytes(StandardCharsets.UTF_8), codec.encode(alert));
    }
}

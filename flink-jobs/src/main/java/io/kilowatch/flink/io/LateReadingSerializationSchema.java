package io.kilowatch.flink.io;

import io.kilowatch.flink.records.LateReading;
import io.kilowatch.model.ReadingCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** kw.late: key meterId, value the normalized reading, header {@code interval} names the window it missed. */
public class LateReadingSerializationSchema implements KafkaRecordSerializationSchema<LateReading> {
    public static final String INTERVAL_HEADER = "interval";

    private final String topic;
    private transient ReadingCodec codec;

    public LateReadingSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(LateReading late, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = new ReadingCodec();
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add(INTERVAL_HEADER, late.interval().getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(
                topic,
                null,
                null,
                late.reading().meterId().getBytes(StandardCharsets.UTF_8),
                codec.encode(late.reading()),
                headers);
    }
}

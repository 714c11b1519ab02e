package io.kilowatch.flink.io;

import io.kilowatch.model.Hint;
import io.kilowatch.model.HintCodec;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** kw.hints: key the customer (the relay sends it to {@code customers/{id}/hints}), value the hint's JSON. */
public class HintSerializationSchema implements KafkaRecordSerializationSchema<Hint> {
    private final String topic;
    private transient HintCodec codec;

    public HintSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(Hint hint, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = new HintCodec();
        }
        return new ProducerRecord<>(
                topic, null, null, hint.customerId().getBytes(StandardCharsets.UTF_8), codec.encode(hint));
    }
}

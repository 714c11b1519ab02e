package io.kilowatch.flink.io;

import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.model.RegistryCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kw.registry: key meterId, value a registry entry in JSON, or null (a tombstone) when the meter
 * was removed. An entry that does not decode is skipped, logged and counted
 * ({@code undecodableRegistryEntries}): the meter then counts as unregistered, which is visible,
 * rather than stopping every curve.
 */
public class RegistryDeserializationSchema implements KafkaRecordDeserializationSchema<RegistryUpdate> {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryDeserializationSchema.class);

    private transient RegistryCodec codec;
    private transient Counter undecodable;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        codec = new RegistryCodec();
        undecodable = context.getMetricGroup().counter("undecodableRegistryEntries");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RegistryUpdate> out) {
        if (record.key() == null) {
            undecodable.inc();
            LOG.warn(
                    "skipping registry record without a key at {}-{}@{}",
                    record.topic(),
                    record.partition(),
                    record.offset());
            return;
        }
        String meterId = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            out.collect(new RegistryUpdate(meterId, null));
            return;
        }
        try {
            var entry = codec.decode(record.value());
            if (!entry.meterId().equals(meterId)) {
                throw new IOException("key " + meterId + " but entry for " + entry.meterId());
            }
            out.collect(new RegistryUpdate(meterId, entry));
        } catch (IOException e) {
            undecodable.inc();
            LOG.warn("skipping registry entry of meter {} at offset {}: {}", meterId, record.offset(), e.getMessage());
        }
    }

    @Override
    public TypeInformation<RegistryUpdate> getProducedType() {
        return TypeInformation.of(RegistryUpdate.class);
    }
}

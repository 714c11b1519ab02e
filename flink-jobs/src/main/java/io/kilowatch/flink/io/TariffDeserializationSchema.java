package io.kilowatch.flink.io;

import io.kilowatch.flink.records.TariffUpdate;
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
 * kw.tariffs: key the plan id, value the plan as a catalogue of one (JSON), or null when the plan
 * was withdrawn. The JSON is validated where it is used (the tariff stage keeps the last valid
 * plan and counts a bad one); a record without a key is skipped and counted here.
 */
public class TariffDeserializationSchema implements KafkaRecordDeserializationSchema<TariffUpdate> {
    private static final Logger LOG = LoggerFactory.getLogger(TariffDeserializationSchema.class);

    private transient Counter keyless;

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        keyless = context.getMetricGroup().counter("tariffRecordsWithoutKey");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<TariffUpdate> out) {
        if (record.key() == null) {
            keyless.inc();
            LOG.warn(
                    "skipping tariff record without a key at {}-{}@{}",
                    record.topic(),
                    record.partition(),
                    record.offset());
            return;
        }
        out.collect(new TariffUpdate(
                new String(record.key(), StandardCharsets.UTF_8),
                record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8)));
    }

    @Override
    public TypeInformation<TariffUpdate> getProducedType() {
        return TypeInformation.of(TariffUpdate.class);
    }
}

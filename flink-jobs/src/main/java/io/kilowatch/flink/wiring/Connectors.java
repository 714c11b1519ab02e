package io.kilowatch.flink.wiring;

import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.influx.InfluxSink;
import io.kilowatch.flink.io.AlertSerializationSchema;
import io.kilowatch.flink.io.HintSerializationSchema;
import io.kilowatch.flink.io.LateReadingSerializationSchema;
import io.kilowatch.flink.io.ReadingDeserializationSchema;
import io.kilowatch.flink.io.RegistryDeserializationSchema;
import io.kilowatch.flink.io.TariffDeserializationSchema;
import io.kilowatch.flink.records.LateReading;
import io.kilowatch.flink.records.RegistryUpdate;
import io.kilowatch.flink.records.TariffUpdate;
import io.kilowatch.model.Alert;
import io.kilowatch.model.Hint;
import io.kilowatch.model.Reading;
import java.util.Properties;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/** The production sources and sinks of every job, from its configuration. */
public final class Connectors {
    private Connectors() {}

    /** kw.readings as the configured consumer group ({@code kafka.group-id}). */
    public static KafkaSource<Reading> readings(JobConfig c) {
        return readings(c, c.consumerGroup());
    }

    /** kw.readings for a job that reads them as consumer group {@code group} (each job its own). */
    public static KafkaSource<Reading> readings(JobConfig c, String group) {
        KafkaSourceBuilder<Reading> b = KafkaSource.<Reading>builder()
                .setBootstrapServers(c.kafkaBootstrapServers())
                .setTopics(c.readingsTopic())
                .setValueOnlyDeserializer(new ReadingDeserializationSchema());
        if (c.isBackfill()) {
            // Kafka's timestamps are ingest time, which is never earlier than event time minus
            // the bridge's allowed clock skew: start a slack before the range, read to the end.
            b.setGroupId(group + "-backfill")
                    .setStartingOffsets(OffsetsInitializer.timestamp(
                            c.backfill().from().minus(c.backfillSlack()).toEpochMilli()))
                    .setBounded(OffsetsInitializer.latest())
                    .setProperty("commit.offsets.on.checkpoint", "false");
        } else {
            b.setGroupId(group)
                    .setStartingOffsets(
                            switch (c.startFrom()) {
                                case "earliest" -> OffsetsInitializer.earliest();
                                case "latest" -> OffsetsInitializer.latest();
                                default -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
                            })
                    .setProperty("commit.offsets.on.checkpoint", "true");
            if (c.bounded()) {
                b.setBounded(OffsetsInitializer.latest());
            }
        }
        b.setProperties(clientProperties(c));
        return b.build();
    }

    /**
     * kw.registry from its beginning (it is compacted: the beginning is the current registry) on
     * every start without a checkpoint; from the checkpoint otherwise. Bounded when the readings
     * are, or a bounded job would never finish.
     */
    public static KafkaSource<RegistryUpdate> registry(JobConfig c) {
        return registry(c, c.consumerGroup());
    }

    public static KafkaSource<RegistryUpdate> registry(JobConfig c, String group) {
        return reference(c, c.registryTopic(), group + "-registry", new RegistryDeserializationSchema());
    }

    /** kw.tariffs from its beginning (compacted: the current catalogue), like the registry. */
    public static KafkaSource<TariffUpdate> tariffs(JobConfig c) {
        return reference(c, c.tariffsTopic(), c.consumerGroup() + "-tariffs", new TariffDeserializationSchema());
    }

    /** A compacted reference-data topic from its beginning; bounded when the job is. */
    static <T> KafkaSource<T> reference(
            JobConfig c,
            String topic,
            String group,
            org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema<T> records) {
        KafkaSourceBuilder<T> b = KafkaSource.<T>builder()
                .setBootstrapServers(c.kafkaBootstrapServers())
                .setTopics(topic)
                .setGroupId(group)
                .setStartingOffsets(OffsetsInitializer.earliest())
                .setDeserializer(records)
                .setProperty("commit.offsets.on.checkpoint", "false");
        if (c.bounded() || c.isBackfill()) {
            b.setBounded(OffsetsInitializer.latest());
        }
        b.setProperties(clientProperties(c));
        return b.build();
    }

    /** A registry that knows no meter: every meter is curved and counted as unregistered. */
    public static Source<RegistryUpdate, ?, ?> emptyRegistry() {
        // One tombstone for no meter: a generator of zero elements still asks for the first one.
        return new DataGeneratorSource<>(
                i -> new RegistryUpdate("", null), 1, TypeInformation.of(RegistryUpdate.class));
    }

    /** Line protocol into InfluxDB, batched, retried, flushed on checkpoints. */
    public static Sink<String> influx(JobConfig c) {
        return new InfluxSink<String>((line, ctx) -> line, c.influx());
    }

    /** The tariff stage's lines (bills, revenue, tariff_hints), in fewer and larger requests ({@link JobConfig#tariffsInflux}). */
    public static Sink<String> tariffsInflux(JobConfig c) {
        return new InfluxSink<String>((line, ctx) -> line, c.tariffsInflux());
    }

    public static Sink<LateReading> late(JobConfig c) {
        return kafkaSink(c, new LateReadingSerializationSchema(c.lateTopic()));
    }

    /** The alerts of a load-curve job that runs the alert rules too ({@code alerts.with-load-curves}). */
    public static Sink<Alert> alerts(JobConfig c) {
        return alerts(c, c.consumerGroup());
    }

    /**
     * Alerts to Kafka, by default in transactions committed with each checkpoint: after a restart
     * from a checkpoint the job emits again what it had emitted since, and a read-committed reader
     * (the outbound relay) sees each OPEN and RESOLVED once instead of twice. The cost is that an
     * alert becomes visible at the next checkpoint ({@code checkpoint.interval}) — small beside the
     * minutes a condition must hold before it opens. {@code group} names the job (its consumer
     * group), so the transactions of two jobs never share ids.
     */
    public static Sink<Alert> alerts(JobConfig c, String group) {
        AlertSerializationSchema records = new AlertSerializationSchema(c.alertsTopic());
        if (!c.alertsExactlyOnce()) {
            return kafkaSink(c, records);
        }
        Properties client = clientProperties(c);
        // Flink's default of 1 h is more than a broker allows by default (transaction.max.timeout.ms, 15 min).
        client.putIfAbsent("transaction.timeout.ms", "900000");
        return KafkaSink.<Alert>builder()
                .setBootstrapServers(c.kafkaBootstrapServers())
                .setKafkaProducerConfig(client)
                .setRecordSerializer(records)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(group + "-alerts")
                .build();
    }

    public static Sink<Hint> hints(JobConfig c) {
        return kafkaSink(c, new HintSerializationSchema(c.hintsTopic()));
    }

    /** An at-least-once Kafka sink with the configured client settings; every job's Kafka output. */
    public static <T> Sink<T> kafkaSink(JobConfig c, KafkaRecordSerializationSchema<T> records) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(c.kafkaBootstrapServers())
                .setKafkaProducerConfig(clientProperties(c))
                .setRecordSerializer(records)
                .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .build();
    }

    private static Properties clientProperties(JobConfig c) {
        Properties p = new Properties();
        p.putAll(c.kafkaClient());
        return p;
    }
}

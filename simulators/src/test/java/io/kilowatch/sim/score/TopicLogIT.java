package io.kilowatch.sim.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.Alert;
import io.kilowatch.model.AlertCodec;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The jobs write alerts in Kafka transactions committed with each checkpoint: what a running job
 * wrote last is read once committed, and what an aborted transaction held is never read.
 */
class TopicLogIT {
    private static final TestStack STACK = TestStack.fromEnvironment();

    @Test
    void anAlertInAnOpenTransactionIsReadOnceCommittedAndAnAbortedOneNever() throws Exception {
        String topic = TestStack.uniquePrefix("topiclog") + ".alerts";
        new TestKafka(STACK).createTopics(new NewTopic(topic, 1, (short) 1));
        AlertCodec codec = new AlertCodec();
        try (KafkaProducer<byte[], byte[]> producer = transactional(topic + "-tx")) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(topic, codec, alert("aborted")));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(record(topic, codec, alert("committed")));
            producer.flush();

            CompletableFuture<List<Alert>> read =
                    CompletableFuture.supplyAsync(() -> AlertLog.ALERTS.fromKafka(STACK.kafkaBootstrap(), topic));
            Thread.sleep(2_000);
            assertThat(read).as("waits for the open transaction").isNotDone();
            producer.commitTransaction();

            assertThat(read.get(30, TimeUnit.SECONDS))
                    .extracting(Alert::alertId)
                    .containsExactly("committed");
        }
    }

    private static Alert alert(String id) {
        return new Alert(
                id, "spike", "info", "meter", "M1", "CM1", Alert.State.OPEN, 60_000, 60_000, 50, 10, "kW", "spike");
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, AlertCodec codec, Alert a) throws Exception {
        return new ProducerRecord<>(topic, a.subjectId().getBytes(StandardCharsets.UTF_8), codec.encode(a));
    }

    private static KafkaProducer<byte[], byte[]> transactional(String id) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                STACK.kafkaBootstrap(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                id,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class));
    }
}

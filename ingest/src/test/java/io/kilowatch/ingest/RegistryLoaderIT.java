package io.kilowatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.RegistryCodec;
import io.kilowatch.model.RegistryCsv;
import io.kilowatch.model.RegistryEntry;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The registry CSV lands in Kafka keyed by meter, a removal as a tombstone; a later load of a meter wins. */
class RegistryLoaderIT {
    private static final TestStack STACK = TestStack.fromEnvironment();

    @Test
    void aCsvBecomesOneRecordPerMeterAndARemovalATombstone() throws Exception {
        String p = TestStack.uniquePrefix("registry");
        String topic = "test." + p + ".registry";
        new TestKafka(STACK)
                .createTopics(new NewTopic(topic, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")));
        IngestConfig config = IngestConfig.load(null, STACK.bridgeEnvironment(p, "KW_KAFKA_TOPIC_REGISTRY", topic));
        List<RegistryEntry> first = RegistryCsv.parse(List.of(
                RegistryCsv.header(),
                "M1,C1,residential,T1,F1,north,flat,8,400,230,1",
                "M2,C2,industrial,T2,F1,north,tou,315,630,230,3"));
        assertThat(RegistryLoader.load(config, first, List.of())).isEqualTo(2);
        List<RegistryEntry> moved =
                RegistryCsv.parse(List.of(RegistryCsv.header(), "M1,C1,residential,T2,F1,north,flat,8,630,230,1"));
        assertThat(RegistryLoader.load(config, moved, List.of("M2"))).isEqualTo(2);

        Map<String, RegistryEntry> latest = new HashMap<>();
        int records = 0;
        RegistryCodec codec = new RegistryCodec();
        try (KafkaConsumer<byte[], byte[]> c = new TestKafka(STACK).consumer()) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.currentTimeMillis() + 30_000;
            while (records < 4 && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String key = new String(r.key(), StandardCharsets.UTF_8);
                    latest.put(key, r.value() == null ? null : codec.decode(r.value()));
                    records++;
                }
            }
        }
        assertThat(records).isEqualTo(4);
        assertThat(latest.get("M1").transformerId()).isEqualTo("T2");
        assertThat(latest).containsEntry("M2", null);
    }
}

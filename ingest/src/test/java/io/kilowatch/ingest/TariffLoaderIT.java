package io.kilowatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.tariff.TariffCatalogue;
import io.kilowatch.model.tariff.TariffCodec;
import io.kilowatch.model.tariff.TariffPlan;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The catalogue lands in the compacted kw.tariffs topic one plan a record, each readable back alone; a removal is a tombstone. */
class TariffLoaderIT {
    private static final TestStack STACK = TestStack.fromEnvironment();

    @Test
    void theSampleCatalogueBecomesOneRecordPerPlanAndARemovalATombstone() throws Exception {
        String p = TestStack.uniquePrefix("tariffs");
        TestKafka kafka = new TestKafka(STACK);
        String topic = kafka.createTopic("test." + p + ".tariffs", 1, true);
        IngestConfig config = IngestConfig.load(null, STACK.bridgeEnvironment(p, "KW_KAFKA_TOPIC_TARIFFS", topic));
        TariffCatalogue sample = TariffCatalogue.sample();
        assertThat(TariffLoader.load(config, sample, List.of())).isEqualTo(6);
        assertThat(TariffLoader.load(config, null, List.of("gd-ic-10kv-2part"))).isEqualTo(1);

        List<TestKafka.Record> records = kafka.readAll(topic, 7, Duration.ofSeconds(30));
        assertThat(records).hasSize(7);
        Map<String, TariffPlan> latest = new HashMap<>();
        for (TestKafka.Record r : records) {
            latest.put(r.key(), r.value() == null ? null : TariffCodec.decodePlan(r.value()));
        }
        assertThat(latest.get("hb-ic-10kv-2part").versions().get(0).basic().demandPricePerKw())
                .isEqualByComparingTo("42.0");
        assertThat(latest.get("zj-res-tier").illustrative()).isTrue();
        assertThat(latest).containsEntry("gd-ic-10kv-2part", null);
        assertThat(latest.keySet())
                .containsExactlyInAnyOrderElementsOf(sample.plans().keySet());
    }
}

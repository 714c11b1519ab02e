package io.kilowatch.ingest;

import io.kilowatch.model.tariff.TariffCatalogue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a tariff catalogue (docs/tariffs.md) into the compacted kw.tariffs topic: one record per
 * plan, keyed by plan id, each a catalogue of that one plan. The file is validated whole first
 * (every bad line named, nothing sent); running jobs pick the plans up as broadcast state. A new
 * version of a plan is a new record for the same key: it applies from its effective date, and a
 * backfill over the days it changes recomputes them. {@code --remove ID} withdraws a plan.
 *
 * <p>{@code java -cp kilowatch-ingest.jar io.kilowatch.ingest.TariffLoader [--config FILE] [catalogue.yaml] [--remove ID ...]};
 * without a file, the sample catalogue (illustrative).
 */
public final class TariffLoader {
    private static final Logger LOG = LoggerFactory.getLogger(TariffLoader.class);

    private TariffLoader() {}

    /** Sends every plan of {@code catalogue} (null: none) and tombstones for {@code removed}; returns records acknowledged. */
    public static int load(IngestConfig config, TariffCatalogue catalogue, List<String> removed) throws Exception {
        return CompactedTopic.send(
                config,
                config.tariffsTopic(),
                "kilowatch-tariff-loader",
                catalogue == null ? java.util.Map.of() : catalogue.wireValues(),
                removed);
    }

    public static void main(String[] args) throws Exception {
        String configFile = System.getenv("KW_INGEST_CONFIG");
        Path file = null;
        List<String> removed = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> configFile = args[++i];
                case "--remove" -> removed.add(args[++i]);
                default -> file = Path.of(args[i]);
            }
        }
        IngestConfig config = IngestConfig.load(configFile == null ? null : Path.of(configFile), System.getenv());
        TariffCatalogue catalogue = null;
        if (file != null || removed.isEmpty()) {
            try {
                catalogue = file == null ? TariffCatalogue.sample() : TariffCatalogue.load(file);
            } catch (IllegalArgumentException | java.io.IOException e) {
                System.err.println((file == null ? "sample catalogue" : file) + ": " + e.getMessage());
                System.exit(2);
                return;
            }
            if (file == null) {
                System.out.println(
                        "no file given: loading the sample catalogue " + catalogue.name() + " (illustrative numbers)");
            }
        }
        int n = load(config, catalogue, removed);
        int plans = catalogue == null ? 0 : catalogue.plans().size();
        LOG.info(
                "tariffs: {} plans loaded and {} removed in {} on {}",
                plans,
                removed.size(),
                config.tariffsTopic(),
                config.kafkaBootstrapServers());
        System.out.println("loaded " + plans + " tariff plans"
                + (catalogue == null
                        ? ""
                        : " of " + catalogue.name() + " " + catalogue.plans().keySet()) + ", removed " + removed.size()
                + " (" + n + " records acknowledged)");
    }
}

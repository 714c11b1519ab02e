package io.kilowatch.ingest;

import io.kilowatch.model.RegistryCodec;
import io.kilowatch.model.RegistryCsv;
import io.kilowatch.model.RegistryEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a registry CSV ({@link RegistryCsv}) into the compacted kw.registry topic, one record per
 * meter keyed by meterId, and returns only when Kafka acknowledged every one. Running jobs pick
 * the changes up as they come (a moved meter counts at its new transformer from then on); the
 * file is checked whole before anything is sent. {@code --remove ID} writes tombstones.
 *
 * <p>{@code java -cp kilowatch-ingest.jar io.kilowatch.ingest.RegistryLoader [--config FILE] registry.csv [--remove ID ...]}
 */
public final class RegistryLoader {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryLoader.class);

    private RegistryLoader() {}

    /** Sends {@code entries} and tombstones for {@code removed}; returns how many records Kafka acknowledged. */
    public static int load(IngestConfig config, List<RegistryEntry> entries, List<String> removed) throws Exception {
        RegistryCodec codec = new RegistryCodec();
        Map<String, byte[]> records = new LinkedHashMap<>();
        for (RegistryEntry e : entries) {
            records.put(e.meterId(), codec.encode(e));
        }
        return CompactedTopic.send(config, config.registryTopic(), "kilowatch-registry-loader", records, removed);
    }

    public static void main(String[] args) throws Exception {
        String configFile = System.getenv("KW_INGEST_CONFIG");
        Path csv = null;
        List<String> removed = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> configFile = args[++i];
                case "--remove" -> removed.add(args[++i]);
                default -> csv = Path.of(args[i]);
            }
        }
        if (csv == null && removed.isEmpty()) {
            System.err.println("usage: RegistryLoader [--config FILE] registry.csv [--remove METER_ID ...]");
            System.exit(2);
        }
        IngestConfig config = IngestConfig.load(configFile == null ? null : Path.of(configFile), System.getenv());
        List<RegistryEntry> entries;
        try {
            entries = csv == null ? List.of() : RegistryCsv.parse(Files.readAllLines(csv, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            System.err.println(csv + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        int n = load(config, entries, removed);
        LOG.info(
                "registry: {} meters loaded and {} removed in {} on {}",
                entries.size(),
                removed.size(),
                config.registryTopic(),
                config.kafkaBootstrapServers());
        System.out.println("loaded " + entries.size() + " registry entries, removed " + removed.size() + " (" + n
                + " records acknowledged)");
    }
}

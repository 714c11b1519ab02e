package io.kilowatch.model.tariff;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A tariff catalogue: the plans customers may be on, each with its versions. Read from YAML or
 * JSON (docs/tariffs.md) and validated whole; {@link #wireValues()} are the records of the
 * compacted {@code kw.tariffs} topic (one per plan, key the plan id), each a catalogue of one
 * plan that {@link TariffCodec#decodePlan} reads back with the same rules.
 */
public record TariffCatalogue(
        String name,
        boolean illustrative,
        String currency,
        String notes,
        Map<String, TariffPlan> plans,
        Map<String, byte[]> wireValues) {

    /** The sample catalogue of shared/TARIFFS.md (illustrative numbers), shipped as the default. */
    public static final String SAMPLE_RESOURCE = "/tariffs/sample-catalogue.yaml";

    public TariffCatalogue {
        plans = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(plans));
        wireValues = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(wireValues));
    }

    /** @throws Rejected naming every problem with its line */
    public static TariffCatalogue parseYaml(byte[] yaml) {
        return CatalogueReader.read(yaml, false);
    }

    public static TariffCatalogue parseJson(byte[] json) {
        return CatalogueReader.read(json, true);
    }

    /** A {@code .json} file as JSON, anything else as YAML. */
    public static TariffCatalogue load(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        return file.getFileName().toString().endsWith(".json") ? parseJson(bytes) : parseYaml(bytes);
    }

    public static TariffCatalogue sample() {
        try (InputStream in = TariffCatalogue.class.getResourceAsStream(SAMPLE_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(SAMPLE_RESOURCE + " is missing from the model jar");
            }
            return parseYaml(in.readAllBytes());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public TariffPlan plan(String id) {
        return plans.get(id);
    }

    /** A catalogue that failed validation: nothing of it may be used. */
    public static final class Rejected extends IllegalArgumentException {
        private final List<String> problems;

        Rejected(List<String> problems, int total) {
            super("tariff catalogue rejected, nothing loaded (" + total + (total == 1 ? " problem" : " problems")
                    + "):\n  " + String.join("\n  ", problems)
                    + (total > problems.size() ? "\n  (" + (total - problems.size()) + " more)" : ""));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }
}

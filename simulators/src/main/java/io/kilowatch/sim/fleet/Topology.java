package io.kilowatch.sim.fleet;

import io.kilowatch.model.RegistryCsv;
import io.kilowatch.model.RegistryEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A fleet's grid and customers: regions → feeders → transformers → meters, each meter with a
 * customer, a class and a consumption profile, a contracted capacity and a tariff plan of the
 * sample catalogue ({@link Profile#billing}).
 * Deterministic for a seed; {@link #writeRegistry} writes it in the registry CSV layout that
 * {@code scripts/registry.sh load} sends to kw.registry.
 *
 * <p>Mix (by default): 80 % residential (of which one in ten charges an electric vehicle),
 * 9 % commercial, 6 % industrial (one, two or three shifts), 5 % prosumers with rooftop PV.
 * A generated grid also has one area meter per transformer ({@code <prefix>-<transformer>-TM},
 * class {@value RegistryEntry#TRANSFORMER_METER}), listed right after the transformer's
 * customers: it measures what they draw plus the losses of the lines between them.
 */
public final class Topology {
    public enum Profile {
        RESIDENTIAL("residential", 8),
        RESIDENTIAL_EV("residential", 12),
        COMMERCIAL("commercial", 50),
        INDUSTRIAL_1_SHIFT("industrial", 250),
        INDUSTRIAL_2_SHIFT("industrial", 400),
        INDUSTRIAL_3_SHIFT("industrial", 630),
        PROSUMER_PV("prosumer", 10),
        /** The meter on a transformer's low-voltage side: its customers' load plus the line losses. */
        TRANSFORMER_AREA(RegistryEntry.TRANSFORMER_METER, 0);

        public final String customerClass;
        public final double contractedKva;

        Profile(String customerClass, double contractedKva) {
            this.customerClass = customerClass;
            this.contractedKva = contractedKva;
        }

        public boolean threePhase() {
            return customerClass.equals("industrial") || customerClass.equals("commercial");
        }

        /**
         * The customer's plan and terms, from the sample tariff catalogue's plans (docs/tariffs.md):
         * households on annual tiers, four in ten of them with time of use; shops below 1 kV on
         * Hubei's low-voltage plan; factories at 10 kV: the small ones single- or two-part, the
         * larger two-part on capacity or on maximum demand. Chosen by the meter's index (not its
         * id, whose prefix changes between runs, and not the fleet's random draws, so every other
         * property of a seeded fleet stays as it was).
         */
        public RegistryEntry billing(RegistryEntry e, int index) {
            int h = Math.floorMod(Long.hashCode(index * 0x9E3779B97F4A7C15L), 10);
            return switch (this) {
                case RESIDENTIAL, RESIDENTIAL_EV, PROSUMER_PV ->
                    e.withTariffPlan(h < 6 ? "zj-res-tier" : "zj-res-tier-tou").withBilling("lv", null, null);
                case COMMERCIAL -> e.withTariffPlan("hb-ic-lv-tou").withBilling("lv", null, null);
                case INDUSTRIAL_1_SHIFT ->
                    h < 5
                            ? e.withTariffPlan("hb-ic-10kv-tou").withBilling("1-10kV", null, null)
                            : e.withTariffPlan("hb-ic-10kv-2part").withBilling("1-10kV", "capacity", null);
                case INDUSTRIAL_2_SHIFT, INDUSTRIAL_3_SHIFT ->
                    e.withTariffPlan("hb-ic-10kv-2part").withBilling("1-10kV", h < 5 ? "capacity" : "demand", null);
                case TRANSFORMER_AREA -> e.withTariffPlan("grid");
            };
        }
    }

    /** One meter: its registry entry and how it consumes. */
    public record MeterSpec(RegistryEntry entry, Profile profile) {
        public String meterId() {
            return entry.meterId();
        }

        public boolean isAreaMeter() {
            return profile == Profile.TRANSFORMER_AREA;
        }
    }

    private final List<MeterSpec> meters;

    private Topology(List<MeterSpec> meters) {
        this.meters = List.copyOf(meters);
    }

    /**
     * @param metersPerTransformer customers under one distribution transformer
     * @param transformersPerFeeder transformers on one feeder
     * @param feedersPerRegion feeders in one region
     */
    public static Topology generate(
            String prefix,
            int count,
            long seed,
            int metersPerTransformer,
            int transformersPerFeeder,
            int feedersPerRegion) {
        SplittableRandom random = new SplittableRandom(seed ^ 0x7F4A7C159E3779B9L);
        List<MeterSpec> out = new ArrayList<>(count + count / metersPerTransformer + 1);
        for (int first = 0; first < count; first += metersPerTransformer) {
            int transformer = first / metersPerTransformer;
            int feeder = transformer / transformersPerFeeder;
            int region = feeder / feedersPerRegion;
            String regionId = String.format("R%02d", region + 1);
            String feederId = String.format("%s-F%02d", regionId, feeder % feedersPerRegion + 1);
            String transformerId = String.format("%s-T%03d", feederId, transformer % transformersPerFeeder + 1);
            int last = Math.min(count, first + metersPerTransformer);
            List<Profile> profiles = new ArrayList<>();
            for (int m = first; m < last; m++) {
                profiles.add(profile(random.nextDouble(), random.nextDouble()));
            }
            double transformerKva = transformerSize(
                    profiles.stream().mapToDouble(p -> p.contractedKva).sum());
            for (int m = first; m < last; m++) {
                Profile p = profiles.get(m - first);
                String meterId = String.format("%s%05d", prefix, m);
                out.add(new MeterSpec(
                        p.billing(
                                new RegistryEntry(
                                        meterId,
                                        "C" + meterId,
                                        p.customerClass,
                                        transformerId,
                                        feederId,
                                        regionId,
                                        null,
                                        p.contractedKva,
                                        transformerKva,
                                        230,
                                        p.threePhase() ? 3 : 1),
                                m),
                        p));
            }
            String areaId = prefix + "-" + transformerId + "-TM";
            out.add(new MeterSpec(
                    Profile.TRANSFORMER_AREA.billing(
                            new RegistryEntry(
                                    areaId,
                                    "GRID",
                                    RegistryEntry.TRANSFORMER_METER,
                                    transformerId,
                                    feederId,
                                    regionId,
                                    null,
                                    transformerKva,
                                    transformerKva,
                                    230,
                                    3),
                            transformer),
                    Profile.TRANSFORMER_AREA));
        }
        return new Topology(out);
    }

    /** Standard distribution transformer ratings, kVA. */
    private static final double[] RATINGS = {100, 160, 250, 400, 630, 800, 1000, 1250, 1600, 2000, 2500, 3150};

    /**
     * A transformer is sized for its customers: the smallest standard rating of at least 80 % of
     * their contracted capacity (a small area with industry has little diversity), so that a
     * normal day stays within it and an overload is an event.
     */
    static double transformerSize(double contractedKva) {
        for (double r : RATINGS) {
            if (r >= 0.8 * contractedKva) {
                return r;
            }
        }
        return RATINGS[RATINGS.length - 1];
    }

    /** N residential meters on transformers of 50, the skeleton's fleet. */
    public static Topology residential(String prefix, int count) {
        List<MeterSpec> out = new ArrayList<>(count);
        for (int m = 0; m < count; m++) {
            int transformer = m / 50;
            String meterId = String.format("%s%05d", prefix, m);
            RegistryEntry e = Profile.RESIDENTIAL.billing(
                    new RegistryEntry(
                            meterId,
                            "C" + meterId,
                            "residential",
                            String.format("T%03d", transformer + 1),
                            "F01",
                            "R01",
                            null,
                            8,
                            630,
                            230,
                            1),
                    m);
            out.add(new MeterSpec(e, Profile.RESIDENTIAL));
        }
        return new Topology(out);
    }

    private static Profile profile(double u, double v) {
        if (u < 0.80) {
            return v < 0.10 ? Profile.RESIDENTIAL_EV : Profile.RESIDENTIAL;
        }
        if (u < 0.89) {
            return Profile.COMMERCIAL;
        }
        if (u < 0.95) {
            return v < 0.4
                    ? Profile.INDUSTRIAL_1_SHIFT
                    : v < 0.75 ? Profile.INDUSTRIAL_2_SHIFT : Profile.INDUSTRIAL_3_SHIFT;
        }
        return Profile.PROSUMER_PV;
    }

    /** Meters, customers' and transformer areas'. */
    public int size() {
        return meters.size();
    }

    public MeterSpec meter(int m) {
        return meters.get(m);
    }

    public List<MeterSpec> meters() {
        return meters;
    }

    public void writeRegistry(Path file) throws IOException {
        writeRegistry(file, Reporting.direct());
    }

    /** The registry, with the concentrator that reads each meter behind one under {@code reporting}. */
    public void writeRegistry(Path file, Reporting reporting) throws IOException {
        List<String> lines = new ArrayList<>(meters.size() + 1);
        lines.add(RegistryCsv.header());
        int[] concentrator = reporting.concentrators(meters.size());
        for (int m = 0; m < meters.size(); m++) {
            RegistryEntry e = meters.get(m).entry();
            lines.add(RegistryCsv.row(
                    concentrator[m] < 0 ? e : e.withConcentrator(Reporting.concentratorId(concentrator[m]))));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }
}

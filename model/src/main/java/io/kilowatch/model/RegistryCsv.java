package io.kilowatch.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The registry as a utility exports it: one CSV row per meter, with this header (names are
 * matched case-insensitively, columns may come in any order):
 * {@code meterId,customerId,class,transformerId,feederId,region,tariffPlan,contractedKva,transformerKva,nominalVoltageV,phases},
 * and optionally {@code voltageLevel,billingBasis,contractKw} for two-part customers (a file
 * without them, or a row with them empty, is a single-part customer whose voltage level follows
 * from its nominal voltage) and {@code concentratorId} for a meter read by a data concentrator
 * (empty: the meter publishes its own readings). Parsing is all or nothing: a file with one bad row is rejected with
 * every bad row's line number, so a half-loaded registry never moves meters around. No quoting:
 * ids are plain.
 */
public final class RegistryCsv {
    public static final List<String> COLUMNS = List.of(
            "meterId",
            "customerId",
            "class",
            "transformerId",
            "feederId",
            "region",
            "tariffPlan",
            "contractedKva",
            "transformerKva",
            "nominalVoltageV",
            "phases");
    /** Columns a file may leave out (older exports); an empty cell is the same as no column. */
    public static final List<String> OPTIONAL_COLUMNS =
            List.of("voltageLevel", "billingBasis", "contractKw", "concentratorId");

    public static final Set<String> BASES = Set.of("capacity", "demand", "contract");
    public static final Set<String> CLASSES =
            Set.of("residential", "commercial", "industrial", "prosumer", RegistryEntry.TRANSFORMER_METER);

    private RegistryCsv() {}

    /** Every column, the optional ones last, as {@link #row} writes them. */
    public static String header() {
        return String.join(",", COLUMNS) + "," + String.join(",", OPTIONAL_COLUMNS);
    }

    /** A row under {@link #header()}. */
    public static String row(RegistryEntry e) {
        return String.join(
                ",",
                e.meterId(),
                e.customerId(),
                e.customerClass(),
                e.transformerId(),
                e.feederId(),
                e.region(),
                e.tariffPlanId(),
                plain(e.contractedKva()),
                plain(e.transformerKva()),
                plain(e.nominalVoltageV()),
                Integer.toString(e.phases()),
                e.voltageLevel() == null ? "" : e.voltageLevel(),
                e.billingBasis() == null ? "" : e.billingBasis(),
                e.contractKw() == null ? "" : plain(e.contractKw()),
                e.concentratorId() == null ? "" : e.concentratorId());
    }

    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /** @throws IllegalArgumentException naming every bad line */
    public static List<RegistryEntry> parse(List<String> lines) {
        if (lines.isEmpty()) {
            throw new IllegalArgumentException(
                    "registry CSV is empty: it needs the header " + String.join(",", COLUMNS));
        }
        int[] at = columnPositions(lines.get(0));
        List<RegistryEntry> out = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                RegistryEntry e = entry(line.split(",", -1), at);
                if (!seen.add(e.meterId())) {
                    throw new IllegalArgumentException("meter " + e.meterId() + " appears twice");
                }
                out.add(e);
            } catch (IllegalArgumentException ex) {
                errors.add("line " + (i + 1) + ": " + ex.getMessage());
            }
            if (errors.size() >= 20) {
                errors.add("(stopped after 20 errors)");
                break;
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException(
                    "registry CSV rejected, nothing loaded:\n  " + String.join("\n  ", errors));
        }
        return out;
    }

    /** Where each column is: required ones first, then the optional ones (-1 when absent). */
    private static int[] columnPositions(String header) {
        String[] names = header.strip().split(",", -1);
        int required = COLUMNS.size();
        int[] at = new int[required + OPTIONAL_COLUMNS.size()];
        for (int c = 0; c < at.length; c++) {
            String column = c < required ? COLUMNS.get(c) : OPTIONAL_COLUMNS.get(c - required);
            at[c] = -1;
            for (int i = 0; i < names.length; i++) {
                if (names[i].strip().equalsIgnoreCase(column)) {
                    at[c] = i;
                }
            }
            if (at[c] < 0 && c < required) {
                throw new IllegalArgumentException("registry CSV header lacks column " + column + "; expected "
                        + String.join(",", COLUMNS) + " (and optionally " + String.join(",", OPTIONAL_COLUMNS) + ")");
            }
        }
        return at;
    }

    private static RegistryEntry entry(String[] cells, int[] at) {
        String[] v = new String[COLUMNS.size()];
        for (int c = 0; c < v.length; c++) {
            if (at[c] >= cells.length) {
                throw new IllegalArgumentException("has " + cells.length + " cells, needs column " + COLUMNS.get(c));
            }
            v[c] = cells[at[c]].strip();
        }
        String[] opt = new String[OPTIONAL_COLUMNS.size()];
        for (int c = 0; c < opt.length; c++) {
            int i = at[COLUMNS.size() + c];
            String cell = i < 0 || i >= cells.length ? "" : cells[i].strip();
            opt[c] = cell.isEmpty() ? null : cell;
        }
        for (int c = 0; c < 7; c++) {
            if (!ReadingCodec.isValidId(v[c])) {
                throw new IllegalArgumentException(COLUMNS.get(c) + " '" + v[c] + "' is not a valid id");
            }
        }
        String customerClass = v[2].toLowerCase(Locale.ROOT);
        if (!CLASSES.contains(customerClass)) {
            throw new IllegalArgumentException("class '" + v[2] + "' is not one of " + CLASSES);
        }
        double contracted = positive(v[7], "contractedKva");
        double transformer = positive(v[8], "transformerKva");
        double voltage = positive(v[9], "nominalVoltageV");
        int phases;
        try {
            phases = Integer.parseInt(v[10]);
        } catch (NumberFormatException e) {
            phases = 0;
        }
        if (phases != 1 && phases != 3) {
            throw new IllegalArgumentException("phases must be 1 or 3, got '" + v[10] + "'");
        }
        if (opt[0] != null && !ReadingCodec.isValidId(opt[0])) {
            throw new IllegalArgumentException("voltageLevel '" + opt[0] + "' is not a valid id");
        }
        String basis = opt[1] == null ? null : opt[1].toLowerCase(Locale.ROOT);
        if (basis != null && !BASES.contains(basis)) {
            throw new IllegalArgumentException("billingBasis '" + opt[1] + "' is not one of " + BASES);
        }
        Double contractKw = opt[2] == null ? null : positive(opt[2], "contractKw");
        if ("contract".equals(basis) && contractKw == null) {
            throw new IllegalArgumentException("billingBasis contract needs contractKw");
        }
        if (opt[3] != null && !ReadingCodec.isValidId(opt[3])) {
            throw new IllegalArgumentException("concentratorId '" + opt[3] + "' is not a valid id");
        }
        return new RegistryEntry(
                v[0],
                v[1],
                customerClass,
                v[3],
                v[4],
                v[5],
                v[6],
                contracted,
                transformer,
                voltage,
                phases,
                opt[0],
                basis,
                contractKw,
                opt[3]);
    }

    private static double positive(String s, String column) {
        try {
            double d = Double.parseDouble(s);
            if (d > 0 && Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(column + " must be a positive number, got '" + s + "'");
    }
}

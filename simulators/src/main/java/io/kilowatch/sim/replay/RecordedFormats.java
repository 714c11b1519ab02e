package io.kilowatch.sim.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Readers of the public meter-data layouts a utility's engineer is likely to have, into
 * {@link RecordedRow}s, keeping only rows that start in [from, to):
 * <ul>
 *   <li>{@link #lcl}: "Smart meters in London" (Low Carbon London), one row per meter and half
 *       hour: {@code LCLid,tstp,energy(kWh/hh)}, {@code tstp} the start of the half hour in UTC,
 *       values padded with spaces, missing half hours absent;</li>
 *   <li>{@link #eld}: UCI "ElectricityLoadDiagrams20112014", wide: {@code ;}-separated, a
 *       timestamp column (the end of the quarter hour, local time of {@code zone}) and one kW
 *       column per meter, decimal commas;</li>
 *   <li>{@link #sgcc}: the State Grid of China theft data, one row per customer: {@code CONS_NO},
 *       {@code FLAG} (1 = electricity theft), then one column of daily kWh per date
 *       ({@code yyyy/M/d}, any order, empty when missing).</li>
 * </ul>
 */
public final class RecordedFormats {
    private static final DateTimeFormatter LCL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSSS]");
    private static final long HALF_HOUR = 1_800_000;
    private static final long QUARTER = 900_000;
    private static final long DAY = 86_400_000;

    private RecordedFormats() {}

    /** The rows of {@code files} in {@code format} (lcl, eld or sgcc) within [from, to); sgcc's theft labels beside them. */
    public static Sgcc read(String format, List<Path> files, ZoneId zone, Instant from, Instant to) throws IOException {
        List<RecordedRow> rows = new ArrayList<>();
        Map<String, Boolean> theft = new java.util.HashMap<>();
        for (Path f : files) {
            switch (format) {
                case "lcl" -> rows.addAll(lcl(f, from, to));
                case "eld" -> rows.addAll(eld(f, zone, from, to));
                case "sgcc" -> {
                    Sgcc s = sgcc(f, zone, from, to);
                    rows.addAll(s.rows());
                    theft.putAll(s.theft());
                }
                default -> throw new IllegalArgumentException("--format must be lcl, eld or sgcc, got " + format);
            }
        }
        return new Sgcc(rows, theft);
    }

    public static List<RecordedRow> lcl(Path file, Instant from, Instant to) throws IOException {
        List<RecordedRow> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || !header.toLowerCase().startsWith("lclid,")) {
                throw new IOException(file + ": not the LCL layout (header LCLid,tstp,energy(kWh/hh)): " + header);
            }
            String line;
            int n = 1;
            while ((line = in.readLine()) != null) {
                n++;
                String[] c = line.split(",", -1);
                if (c.length < 3 || c[2].isBlank() || c[2].strip().equalsIgnoreCase("null")) {
                    continue; // a missing value is a missing half hour, not zero
                }
                long start = LocalDateTime.parse(c[1].strip(), LCL_TIME)
                        .toInstant(ZoneOffset.UTC)
                        .toEpochMilli();
                if (inRange(start, from, to)) {
                    try {
                        out.add(new RecordedRow(c[0].strip(), start, HALF_HOUR, Double.parseDouble(c[2].strip())));
                    } catch (NumberFormatException e) {
                        throw new IOException(file + " line " + n + ": energy '" + c[2] + "' is not a number");
                    }
                }
            }
        }
        return out;
    }

    public static List<RecordedRow> eld(Path file, ZoneId zone, Instant from, Instant to) throws IOException {
        List<RecordedRow> out = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || !header.contains(";")) {
                throw new IOException(
                        file + ": not the ElectricityLoadDiagrams layout (';'-separated, one column per meter)");
            }
            String[] meters = header.split(";", -1);
            for (int i = 0; i < meters.length; i++) {
                meters[i] = unquote(meters[i]);
            }
            String line;
            while ((line = in.readLine()) != null) {
                String[] c = line.split(";", -1);
                long end = LocalDateTime.parse(unquote(c[0]), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"))
                        .atZone(zone)
                        .toInstant()
                        .toEpochMilli();
                long start = end - QUARTER;
                if (!inRange(start, from, to)) {
                    continue;
                }
                for (int i = 1; i < c.length && i < meters.length; i++) {
                    String v = c[i].strip().replace(',', '.');
                    if (!v.isEmpty()) {
                        out.add(new RecordedRow(
                                meters[i], start, QUARTER, Double.parseDouble(v) * 0.25)); // kW over 15 min
                    }
                }
            }
        }
        return out;
    }

    /** SGCC rows, and the theft labels (customer → FLAG) for a ground-truth file. */
    public record Sgcc(List<RecordedRow> rows, Map<String, Boolean> theft) {}

    public static Sgcc sgcc(Path file, ZoneId zone, Instant from, Instant to) throws IOException {
        List<RecordedRow> out = new ArrayList<>();
        Map<String, Boolean> theft = new LinkedHashMap<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null || !header.toUpperCase().startsWith("CONS_NO,FLAG,")) {
                throw new IOException(file + ": not the SGCC layout (CONS_NO,FLAG,dates...)");
            }
            String[] h = header.split(",", -1);
            long[] dayStart = new long[h.length];
            for (int i = 2; i < h.length; i++) {
                dayStart[i] = LocalDate.parse(h[i].strip(), DateTimeFormatter.ofPattern("yyyy/M/d"))
                        .atStartOfDay(zone)
                        .toInstant()
                        .toEpochMilli();
            }
            String line;
            while ((line = in.readLine()) != null) {
                String[] c = line.split(",", -1);
                String customer = c[0].strip();
                theft.put(customer, c[1].strip().equals("1"));
                for (int i = 2; i < c.length && i < h.length; i++) {
                    String v = c[i].strip();
                    if (!v.isEmpty() && inRange(dayStart[i], from, to)) {
                        out.add(new RecordedRow(customer, dayStart[i], DAY, Double.parseDouble(v)));
                    }
                }
            }
        }
        return new Sgcc(out, theft);
    }

    private static boolean inRange(long start, Instant from, Instant to) {
        return (from == null || start >= from.toEpochMilli()) && (to == null || start < to.toEpochMilli());
    }

    private static String unquote(String s) {
        String t = s.strip();
        return t.length() >= 2 && t.charAt(0) == '"' && t.charAt(t.length() - 1) == '"'
                ? t.substring(1, t.length() - 1)
                : t;
    }
}

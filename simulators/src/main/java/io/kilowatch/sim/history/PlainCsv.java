package io.kilowatch.sim.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kilowatch.model.RejectReason;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The plain layout a meter-data system exports: a header naming the columns, then one reading
 * per line, {@code meterId,ts,kw[,importKwh,exportKwh,kvar,pf]} in any order. {@code ts} is
 * epoch milliseconds or ISO-8601 with an offset; an empty cell is an absent value.
 *
 * <p>Each row becomes the JSON a meter would have sent, numbers as written and anything else as
 * a string, so the shared codec and rules judge it and a bad cell gets the bridge's reason
 * (WRONG_TYPE, MISSING_FIELD, BAD_TIMESTAMP, OUT_OF_RANGE, …); a row with more cells than the
 * header names is {@link RejectReason#BAD_ROW}. A header that names an unknown column fails the
 * whole file before anything is written.
 */
public final class PlainCsv {
    /** Column names (case-insensitive) → the reading's JSON fields. */
    private static final Map<String, String> COLUMNS = Map.of(
            "meterid",
            "meterId",
            "ts",
            "ts",
            "kw",
            "kw",
            "importkwh",
            "importKwh",
            "exportkwh",
            "exportKwh",
            "kvar",
            "kvar",
            "pf",
            "pf");

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PlainCsv() {}

    /** A row that cannot even become a reading's JSON. */
    public record BadRow(String source, byte[] original, RejectReason reason, String detail) {}

    /**
     * Reads {@code file}, giving each row to {@code rows} (or, when it has too many cells, to
     * {@code bad}); {@code idPrefix} goes before every meter id, as in {@code replay}.
     */
    public static long read(Path file, String idPrefix, Consumer<ImportRecord> rows, Consumer<BadRow> bad)
            throws IOException {
        long n = 0;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new IOException(file + ": empty; the first line names the columns, e.g. meterId,ts,kw,importKwh");
            }
            List<String> fields = fields(file, header);
            String line;
            int lineNo = 1;
            while ((line = in.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                n++;
                String source = "import:" + file.getFileName() + ":" + lineNo;
                byte[] original = line.getBytes(StandardCharsets.UTF_8);
                String[] cells = line.split(",", -1);
                if (cells.length > fields.size()) {
                    bad.accept(new BadRow(
                            source,
                            original,
                            RejectReason.BAD_ROW,
                            cells.length + " cells where the header names " + fields.size() + " ("
                                    + String.join(",", fields) + ")"));
                    continue;
                }
                rows.accept(new ImportRecord(source, original, json(fields, cells, idPrefix)));
            }
        }
        return n;
    }

    private static List<String> fields(Path file, String header) throws IOException {
        List<String> fields = new ArrayList<>();
        for (String c : header.replace("\uFEFF", "").split(",", -1)) {
            String f = COLUMNS.get(c.strip().toLowerCase(Locale.ROOT));
            if (f == null || fields.contains(f)) {
                throw new IOException(
                        file + ": header column '" + c.strip() + "' is " + (f == null ? "unknown" : "repeated")
                                + "; columns are meterId, ts, kw, importKwh, exportKwh, kvar, pf");
            }
            fields.add(f);
        }
        if (!fields.contains("meterId") || !fields.contains("ts")) {
            throw new IOException(file + ": the header must name meterId and ts (and kw): " + header);
        }
        return fields;
    }

    static byte[] json(List<String> fields, String[] cells, String idPrefix) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < cells.length; i++) {
            String field = fields.get(i);
            String v = cells[i].strip();
            if (v.isEmpty()) {
                continue;
            }
            if (field.equals("meterId")) {
                o.put(field, idPrefix + v);
            } else if (JSON_NUMBER.matcher(v).matches()) {
                o.put(field, new BigDecimal(v));
            } else {
                o.put(field, v);
            }
        }
        return o.toString().getBytes(StandardCharsets.UTF_8);
    }
}

package io.kilowatch.billing.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kilowatch.billing.BillException;
import io.kilowatch.billing.MonthTotals;
import io.kilowatch.billing.MonthUsage;
import io.kilowatch.billing.UsageBuilder;
import io.kilowatch.model.tariff.TariffPlan;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The two usage files of docs/tariffs.md: 15-minute intervals as CSV ({@code start,kwh[,kvarh][,meterId]})
 * and month totals as JSON. Checked whole; the first problem found is the message (exit 2).
 */
final class UsageFiles {
    private static final long QUARTER_MS = 900_000;

    private UsageFiles() {}

    /** What a usage file says, before it meets a plan. */
    sealed interface Usage permits Intervals, Totals {
        /** The usage under {@code plan}, and the days it covers when it is month to date (null: the whole month). */
        Priced under(TariffPlan plan, BigDecimal ytdKwhBefore);
    }

    record Priced(MonthUsage usage, BigDecimal coveredDays) {}

    /** Customer-level intervals (summed over meters), each start a 15-minute boundary. */
    record Intervals(TreeMap<Instant, BigDecimal[]> byStart, boolean kvarh, Instant first, Instant end)
            implements Usage {
        @Override
        public Priced under(TariffPlan plan, BigDecimal ytd) {
            YearMonth m = YearMonth.from(first.atZone(plan.zone()));
            UsageBuilder b = new UsageBuilder(plan, m);
            for (Map.Entry<Instant, BigDecimal[]> e : byStart.entrySet()) {
                b.add(e.getKey(), e.getValue()[0], kvarh ? e.getValue()[1] : null);
            }
            Instant monthStart = m.atDay(1).atStartOfDay(plan.zone()).toInstant();
            Instant monthEnd =
                    m.plusMonths(1).atDay(1).atStartOfDay(plan.zone()).toInstant();
            BigDecimal covered = null;
            if (first.equals(monthStart) && end.isBefore(monthEnd)) {
                covered = BigDecimal.valueOf(end.toEpochMilli() - monthStart.toEpochMilli())
                        .divide(BigDecimal.valueOf(86_400_000L), java.math.MathContext.DECIMAL64);
            }
            return new Priced(b.build(ytd == null ? BigDecimal.ZERO : ytd, covered), covered);
        }
    }

    record Totals(MonthTotals totals) implements Usage {
        @Override
        public Priced under(TariffPlan plan, BigDecimal ytd) {
            MonthTotals t = totals.ytdKwhBefore() == null && ytd != null
                    ? new MonthTotals(totals.month(), totals.kwhByPeriod(), totals.kvarh(), totals.maxDemandKw(), ytd)
                    : totals;
            return new Priced(t.toUsage(plan), null);
        }
    }

    static Usage read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BillException("usage file " + file + " does not exist");
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".json")) {
            return totals(file);
        }
        return intervals(file, Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    static Intervals intervals(Path file, List<String> lines) {
        if (lines.isEmpty()) {
            throw new BillException(file + " is empty: it needs the header start,kwh[,kvarh][,meterId]");
        }
        String[] header = lines.get(0).strip().toLowerCase(Locale.ROOT).split(",", -1);
        int start = indexOf(header, "start");
        int kwh = indexOf(header, "kwh");
        int kvarh = indexOf(header, "kvarh");
        int meter = indexOf(header, "meterid");
        if (start < 0 || kwh < 0) {
            throw new BillException(
                    file + " line 1: the header needs columns start and kwh (and may have kvarh, meterId); got '"
                            + lines.get(0).strip() + "'");
        }
        Map<String, TreeMap<Instant, BigDecimal[]>> byMeter = new LinkedHashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = file + " line " + (i + 1) + ": ";
            String[] c = line.split(",", -1);
            if (c.length < header.length) {
                throw new BillException(where + "has " + c.length + " cells, the header " + header.length);
            }
            Instant t;
            try {
                t = OffsetDateTime.parse(c[start].strip()).toInstant();
            } catch (DateTimeParseException e) {
                throw new BillException(where + "start '" + c[start].strip()
                        + "' is not an ISO-8601 time with an offset (2026-03-01T00:00+08:00)");
            }
            if (t.toEpochMilli() % QUARTER_MS != 0) {
                throw new BillException(where + "start " + c[start].strip() + " is not on a 15-minute boundary");
            }
            BigDecimal e = number(where, "kwh", c[kwh]);
            BigDecimal q = kvarh < 0 ? null : number(where, "kvarh", c[kvarh]);
            if (e.signum() < 0 || (q != null && q.signum() < 0)) {
                throw new BillException(where + "negative energy (" + c[kwh].strip()
                        + (q == null ? "" : ", " + c[kvarh].strip()) + ")");
            }
            String m = meter < 0 ? "" : c[meter].strip();
            if (byMeter.computeIfAbsent(m, k -> new TreeMap<>()).put(t, new BigDecimal[] {e, q}) != null) {
                throw new BillException(where + "a second interval at " + t + (m.isEmpty() ? "" : " for meter " + m)
                        + ": intervals overlap");
            }
        }
        if (byMeter.isEmpty()) {
            throw new BillException(file + " has no interval");
        }
        TreeMap<Instant, BigDecimal[]> sum = new TreeMap<>();
        Instant first = null;
        Instant end = null;
        for (Map.Entry<String, TreeMap<Instant, BigDecimal[]>> m : byMeter.entrySet()) {
            Instant expected = null;
            for (Map.Entry<Instant, BigDecimal[]> e : m.getValue().entrySet()) {
                if (expected != null && !e.getKey().equals(expected)) {
                    throw new BillException(file + ": missing intervals"
                            + (m.getKey().isEmpty() ? "" : " of meter " + m.getKey()) + " from " + expected + " to "
                            + e.getKey() + " (a bill needs every 15 minutes between the first and the last)");
                }
                expected = e.getKey().plusMillis(QUARTER_MS);
                sum.merge(e.getKey(), e.getValue(), (a, b) ->
                        new BigDecimal[] {a[0].add(b[0]), a[1] == null || b[1] == null ? null : a[1].add(b[1])});
            }
            Instant f = m.getValue().firstKey();
            Instant l = m.getValue().lastKey().plusMillis(QUARTER_MS);
            if (first != null && (!f.equals(first) || !l.equals(end))) {
                throw new BillException(file + ": meter " + m.getKey() + " covers " + f + " .. " + l
                        + ", another meter " + first + " .. " + end + "; a customer's meters must cover the same time");
            }
            first = f;
            end = l;
        }
        return new Intervals(sum, kvarh >= 0, first, end);
    }

    private static int indexOf(String[] header, String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].strip().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static BigDecimal number(String where, String column, String cell) {
        try {
            return new BigDecimal(cell.strip());
        } catch (NumberFormatException e) {
            throw new BillException(where + column + " '" + cell.strip() + "' is not a number");
        }
    }

    static Totals totals(Path file) throws IOException {
        JsonNode n;
        try {
            n = new ObjectMapper()
                    .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .readTree(file.toFile());
        } catch (IOException e) {
            throw new BillException(
                    file + " is not valid JSON: " + e.getMessage().split("\n")[0]);
        }
        if (n == null || !n.isObject()) {
            throw new BillException(file + ": month totals are a JSON object (docs/tariffs.md)");
        }
        if (!n.hasNonNull("month")) {
            throw new BillException(file + ": month totals need \"month\" (like \"2026-03\")");
        }
        YearMonth month;
        try {
            month = YearMonth.parse(n.get("month").asText());
        } catch (DateTimeParseException e) {
            throw new BillException(file + ": month '" + n.get("month").asText() + "' is not like 2026-03");
        }
        JsonNode kwh = n.get("kwh");
        if (kwh == null || !kwh.isObject()) {
            throw new BillException(file + ": month totals need \"kwh\": {period: kWh, ...}");
        }
        Map<String, BigDecimal> byPeriod = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = kwh.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            byPeriod.put(e.getKey(), decimal(file, "kwh." + e.getKey(), e.getValue()));
        }
        return new Totals(new MonthTotals(
                month,
                byPeriod,
                optional(file, n, "kvarh"),
                optional(file, n, "maxDemandKw"),
                optional(file, n, "ytdKwhBefore")));
    }

    private static BigDecimal optional(Path file, JsonNode n, String field) {
        return n.hasNonNull(field) ? decimal(file, field, n.get(field)) : null;
    }

    private static BigDecimal decimal(Path file, String field, JsonNode v) {
        if (!v.isNumber()) {
            throw new BillException(file + ": " + field + " must be a number, got " + v);
        }
        return v.decimalValue();
    }
}

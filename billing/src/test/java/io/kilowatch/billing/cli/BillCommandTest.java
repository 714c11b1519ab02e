package io.kilowatch.billing.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BillCommandTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    private static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = BillingMain.run(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private Path file(String name, String... lines) throws Exception {
        Path p = dir.resolve(name);
        Files.write(p, List.of(lines));
        return p;
    }

    /** {@code quarters} intervals from {@code start} (local +08:00), {@code kwh} each, kvarh 0. */
    private Path intervals(String name, String start, int quarters, String kwh) throws Exception {
        List<String> lines = new ArrayList<>(List.of("start,kwh,kvarh"));
        OffsetDateTime t = OffsetDateTime.parse(start);
        for (int i = 0; i < quarters; i++) {
            lines.add(t.plusMinutes(15L * i) + "," + kwh + ",0");
        }
        return file(name, lines.toArray(String[]::new));
    }

    @Test
    void pricesMonthTotalsLineByLineAsTextAndAsJson() throws Exception {
        Path totals = file(
                "m.json",
                "{\"month\":\"2026-03\",\"kwh\":{\"critical\":10000,\"peak\":40000,\"flat\":60000,\"valley\":50000},"
                        + "\"kvarh\":120000,\"maxDemandKw\":380}");
        String[] customer = {
            "--class", "industrial", "--capacity-kva", "630", "--voltage-level", "1-10kV", "--basis", "demand"
        };
        Run text = run(concat(new String[] {"bill", totals.toString(), "--plan", "hb-ic-10kv-2part"}, customer));
        assertThat(text.exit()).isZero();
        assertThat(text.out())
                .contains("ILLUSTRATIVE")
                .contains("power factor 0.80")
                .contains("126875.08")
                .contains("5697.29");
        Run json =
                run(concat(new String[] {"bill", totals.toString(), "--plan", "hb-ic-10kv-2part", "--json"}, customer));
        JsonNode bill = new ObjectMapper().readTree(json.out());
        assertThat(bill.get("total").decimalValue()).isEqualByComparingTo("126875.08");
        assertThat(bill.get("lines")).hasSize(7);
        assertThat(bill.get("lines").get(4).get("charge").asText()).isEqualTo("basic_demand");
        assertThat(bill.get("lines").get(4).get("amount").decimalValue()).isEqualByComparingTo("15960.00");
    }

    @Test
    void allPlansComparesEveryPlanAndBasisTheCustomerMayChooseCheapestFirst() throws Exception {
        // A 250 kVA factory may choose single-part or two-part: 8 quarters of 100 kWh on 2 March 10:00–12:00 (flat).
        Path u = intervals("f.csv", "2026-03-02T10:00+08:00", 8, "100");
        Run r = run(
                "bill",
                u.toString(),
                "--all-plans",
                "--plan",
                "hb-ic-10kv-2part",
                "--json",
                "--class",
                "industrial",
                "--capacity-kva",
                "250",
                "--voltage-level",
                "1-10kV",
                "--basis",
                "capacity");
        assertThat(r.exit()).as(r.err()).isZero();
        JsonNode options = new ObjectMapper().readTree(r.out()).get("options");
        // single-part: 800 × 0.715686 = 572.5488 → 572.55 (250 kVA ≥ 160:
        // PF 1.00 → −0.75 % of 572.55 − 36.16 = −4.02) → 568.53
        assertThat(options.get(0).get("plan").asText()).isEqualTo("hb-ic-10kv-tou");
        assertThat(options.get(0).get("total").decimalValue()).isEqualByComparingTo("568.53");
        // two-part on demand: 800 × 0.651886 = 521.51; 400 kW × 42
        // = 16,800.00; base 17,321.51 − 36.16 → −0.75 % = −129.64
        // two-part on capacity: 521.51 + 250 × 26.3 = 6,575.00; −0.75 % of 7,060.35 = −52.95 → 7,043.56
        assertThat(options.get(1).get("basis").asText()).isEqualTo("capacity");
        assertThat(options.get(1).get("total").decimalValue()).isEqualByComparingTo("7043.56");
        assertThat(options.get(1).get("differenceFromCurrent").decimalValue()).isEqualByComparingTo("0");
        assertThat(options.get(2).get("basis").asText()).isEqualTo("demand");
        assertThat(options.get(2).get("total").decimalValue()).isEqualByComparingTo("17191.87");
        assertThat(options.get(0).get("differenceFromCurrent").decimalValue()).isEqualByComparingTo("-6475.03");
        // the file does not start at the month's start: no projection (the days before it are unknown, not zero)
        assertThat(options.get(0).get("projectedTotal").isNull()).isTrue();
    }

    @Test
    void monthToDateFromTheMonthsStartIsProjectedToItsEnd() throws Exception {
        // 1 kWh every quarter of 1–10 March: 960 kWh so far × 0.538 = 516.48;
        // projected 960 × 31/10 = 2,976 kWh: 2,976 × 0.538 = 1,601.088
        // → 1,601.09, and 216 kWh above 2,760 × 0.05 = 10.80
        Path u = intervals("mtd.csv", "2026-03-01T00:00+08:00", 960, "1");
        Run r = run(
                "bill",
                u.toString(),
                "--plan",
                "zj-res-tier",
                "--json",
                "--class",
                "residential",
                "--capacity-kva",
                "8");
        JsonNode bill = new ObjectMapper().readTree(r.out());
        assertThat(bill.get("total").decimalValue()).isEqualByComparingTo("516.48");
        assertThat(bill.get("coveredDays").decimalValue()).isEqualByComparingTo("10");
        assertThat(bill.get("projectedTotal").decimalValue()).isEqualByComparingTo("1611.89");
    }

    @Test
    void badInputExits2WithOneClearMessageAndNoStackTrace() throws Exception {
        String[] home = {"--class", "residential", "--capacity-kva", "8"};
        Path good = intervals("g.csv", "2026-03-01T00:00+08:00", 4, "1");
        expectBad(
                run(concat(new String[] {"bill", good.toString(), "--plan", "no-such-plan"}, home)),
                "unknown plan no-such-plan");
        Path overlap = file(
                "o.csv",
                "start,kwh",
                "2026-03-01T00:00+08:00,1",
                "2026-03-01T00:15+08:00,1",
                "2026-03-01T00:00+08:00,2");
        expectBad(
                run(concat(new String[] {"bill", overlap.toString(), "--plan", "zj-res-tier"}, home)),
                "intervals overlap");
        Path gap = file("gap.csv", "start,kwh", "2026-03-01T00:00+08:00,1", "2026-03-01T00:45+08:00,1");
        expectBad(
                run(concat(new String[] {"bill", gap.toString(), "--plan", "zj-res-tier"}, home)), "missing intervals");
        Path negative = file("neg.csv", "start,kwh", "2026-03-01T00:00+08:00,-1");
        expectBad(
                run(concat(new String[] {"bill", negative.toString(), "--plan", "zj-res-tier"}, home)),
                "negative energy");
        Path unaligned = file("u.csv", "start,kwh", "2026-03-01T00:05+08:00,1");
        expectBad(
                run(concat(new String[] {"bill", unaligned.toString(), "--plan", "zj-res-tier"}, home)),
                "15-minute boundary");
        Path twoMonths = file("t.csv", "start,kwh", "2026-03-31T23:45+08:00,1", "2026-04-01T00:00+08:00,1");
        expectBad(
                run(concat(new String[] {"bill", twoMonths.toString(), "--plan", "zj-res-tier"}, home)),
                "is not in 2026-03");
        // month totals that lack what the plan needs
        Path noDemand = file(
                "nd.json",
                "{\"month\":\"2026-03\",\"kwh\":{\"critical\":0,\"peak\":1,\"flat\":1,\"valley\":1},\"kvarh\":0}");
        expectBad(
                run(
                        "bill",
                        noDemand.toString(),
                        "--plan",
                        "hb-ic-10kv-2part",
                        "--class",
                        "industrial",
                        "--capacity-kva",
                        "630",
                        "--voltage-level",
                        "1-10kV",
                        "--basis",
                        "demand"),
                "needs the month's maximum 15-minute demand");
        Path noKvarh = file(
                "nk.json",
                "{\"month\":\"2026-03\",\"kwh\":{\"critical\":0,\"peak\":1,\"flat\":1,\"valley\":1},\"maxDemandKw\":5}");
        expectBad(
                run(
                        "bill",
                        noKvarh.toString(),
                        "--plan",
                        "hb-ic-10kv-2part",
                        "--class",
                        "industrial",
                        "--capacity-kva",
                        "630",
                        "--voltage-level",
                        "1-10kV",
                        "--basis",
                        "demand"),
                "has no kvarh");
        Path noPeriod = file("np.json", "{\"month\":\"2026-03\",\"kwh\":{\"peak\":1}}");
        expectBad(
                run(concat(new String[] {"bill", noPeriod.toString(), "--plan", "zj-res-tier-tou"}, home)),
                "lack kWh for period 'valley'");
        Path noBasis = file(
                "nb.json",
                "{\"month\":\"2026-03\",\"kwh\":{\"critical\":0,\"peak\":1,\"flat\":1,\"valley\":1},\"kvarh\":0}");
        expectBad(
                run(
                        "bill",
                        noBasis.toString(),
                        "--plan",
                        "hb-ic-10kv-2part",
                        "--class",
                        "industrial",
                        "--capacity-kva",
                        "630"),
                "needs a billing basis");
        expectBad(
                run(concat(new String[] {"bill", dir.resolve("absent.csv").toString(), "--plan", "zj-res-tier"}, home)),
                "does not exist");
        Path badCatalogue = file("c.yaml", "catalogue: x", "plans: 3");
        expectBad(
                run(concat(
                        new String[] {"bill", good.toString(), "--plan", "x", "--catalogue", badCatalogue.toString()},
                        home)),
                "line 2: plans: must be a list");
        expectBad(run("bill", good.toString(), "--plan", "zj-res-tier"), "Missing required options");
    }

    @Test
    void checkValidatesACatalogueAndListsItsPlans() throws Exception {
        Path bad = file("bad.yaml", "catalogue: x", "plans:", "  - id: a", "    zone: UTC", "    versions: []");
        Run r = run("check", bad.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("line 5: plans[0].versions: lists no version");
        Path sample = dir.resolve("sample.yaml");
        try (var in = getClass().getResourceAsStream("/tariffs/sample-catalogue.yaml")) {
            Files.write(sample, in.readAllBytes());
        }
        Run ok = run("check", sample.toString());
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("6 plans").contains("hb-ic-10kv-2part").contains("two-part");
    }

    private static void expectBad(Run r, String message) {
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(2);
        assertThat(r.err()).contains(message).doesNotContain("\tat ").doesNotContain("Exception");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}

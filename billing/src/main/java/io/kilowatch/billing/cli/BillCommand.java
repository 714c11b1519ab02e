package io.kilowatch.billing.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kilowatch.billing.Bill;
import io.kilowatch.billing.BillEngine;
import io.kilowatch.billing.BillException;
import io.kilowatch.billing.BillLine;
import io.kilowatch.billing.Projection;
import io.kilowatch.model.RegistryCsv;
import io.kilowatch.model.tariff.BasicCharge;
import io.kilowatch.model.tariff.CustomerTerms;
import io.kilowatch.model.tariff.TariffCatalogue;
import io.kilowatch.model.tariff.TariffPlan;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bill USAGE --plan ID | --all-plans [--json]}: prices a customer-month under a plan of a
 * catalogue, line by line, or under every plan the customer may choose. How staff check a bill
 * by hand; docs/tariffs.md describes the usage files.
 */
@Command(
        name = "bill",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Price a customer-month of usage under a tariff plan, line by line.",
            "USAGE is 15-minute intervals (CSV: start,kwh[,kvarh][,meterId]) or month totals (.json); see docs/tariffs.md."
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:priced", "2:bad input (one message on stderr)"})
final class BillCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "USAGE", description = "interval CSV or month-totals JSON")
    Path usageFile;

    @Option(
            names = "--catalogue",
            paramLabel = "FILE",
            description = "tariff catalogue (default: the sample catalogue, illustrative)")
    Path catalogueFile;

    @Option(
            names = "--plan",
            paramLabel = "ID",
            description = "the plan to price under (with --all-plans: the customer's current plan)")
    String planId;

    @Option(names = "--all-plans", description = "price under every plan the customer may choose, cheapest first")
    boolean allPlans;

    @Option(names = "--json", description = "machine-readable output")
    boolean json;

    @Option(
            names = "--class",
            required = true,
            paramLabel = "CLASS",
            description = "residential, commercial, industrial or prosumer")
    String customerClass;

    @Option(
            names = "--capacity-kva",
            required = true,
            paramLabel = "KVA",
            description = "installed (contracted) capacity")
    BigDecimal capacityKva;

    @Option(
            names = "--voltage-level",
            defaultValue = "lv",
            paramLabel = "LEVEL",
            description = "lv, 1-10kV, 35kV, ... (default: ${DEFAULT-VALUE})")
    String voltageLevel;

    @Option(
            names = "--basis",
            paramLabel = "BASIS",
            description = "basic-charge basis of a two-part plan: capacity, demand or contract")
    String basis;

    @Option(names = "--contract-kw", paramLabel = "KW", description = "contract demand, for the contract basis")
    BigDecimal contractKw;

    @Option(
            names = "--region",
            defaultValue = "",
            paramLabel = "ID",
            description = "the customer's region (plans may be for some regions only)")
    String region;

    @Option(
            names = "--ytd-kwh",
            paramLabel = "KWH",
            description = "the calendar year's energy before the month, for annual tiers (default: 0, or the file's)")
    BigDecimal ytdKwh;

    @Override
    public Integer call() throws Exception {
        if (!allPlans && planId == null) {
            throw new BillException("give --plan ID, or --all-plans to price under every plan the customer may choose");
        }
        if (!RegistryCsv.CLASSES.contains(customerClass)) {
            throw new BillException("--class must be one of residential, commercial, industrial, prosumer; got '"
                    + customerClass + "'");
        }
        TariffCatalogue catalogue =
                catalogueFile == null ? TariffCatalogue.sample() : TariffCatalogue.load(catalogueFile);
        TariffPlan current = planId == null ? null : catalogue.plan(planId);
        if (planId != null && current == null) {
            throw new BillException("unknown plan " + planId + "; the catalogue has "
                    + catalogue.plans().keySet());
        }
        BasicCharge.Basis b;
        try {
            b = basis == null ? null : BasicCharge.Basis.of(basis);
        } catch (IllegalArgumentException e) {
            throw new BillException("--basis must be capacity, demand or contract; got '" + basis + "'");
        }
        CustomerTerms terms = new CustomerTerms(customerClass, voltageLevel, region, capacityKva, b, contractKw);
        UsageFiles.Usage usage = UsageFiles.read(usageFile);
        PrintStream out = System.out;
        if (!allPlans) {
            Priced p = price(current, terms, usage);
            if (json) {
                out.println(mapper().writeValueAsString(toJson(p, current)));
            } else {
                String refusal = current.eligibility().refusal(terms);
                if (refusal != null) {
                    out.println("note: this customer may not choose " + current.id() + " (" + refusal + ")");
                }
                printBill(out, p);
            }
            return 0;
        }
        List<Priced> options = new ArrayList<>();
        List<String> notEligible = new ArrayList<>();
        for (TariffPlan plan : catalogue.plans().values()) {
            String refusal = plan.eligibility().refusal(terms);
            if (refusal != null && plan != current) {
                notEligible.add(plan.id() + ": " + refusal);
                continue;
            }
            for (CustomerTerms t : basesOf(plan, terms)) {
                options.add(price(plan, t, usage));
            }
        }
        if (options.isEmpty()) {
            throw new BillException(
                    "no plan of the catalogue is open to this customer: " + String.join("; ", notEligible));
        }
        options.sort(Comparator.comparing(p -> p.bill().total()));
        Priced reference = current == null
                ? null
                : options.stream()
                        .filter(p -> p.bill().planId().equals(current.id())
                                && (terms.basis() == null
                                        || terms.basis() == p.bill().terms().basis()))
                        .findFirst()
                        .orElse(null);
        if (json) {
            ObjectNode root = mapper().createObjectNode();
            ArrayNode arr = root.putArray("options");
            for (Priced p : options) {
                ObjectNode o = toJson(p, catalogue.plan(p.bill().planId()));
                if (reference != null) {
                    o.put(
                            "differenceFromCurrent",
                            p.bill().total().subtract(reference.bill().total()));
                }
                arr.add(o);
            }
            root.putPOJO("notEligible", notEligible);
            out.println(mapper().writeValueAsString(root));
            return 0;
        }
        out.printf(
                "Month %s, %s; %d option(s), cheapest first%s%n",
                options.get(0).bill().month(),
                describe(terms),
                options.size(),
                anyIllustrative(options) ? " (ILLUSTRATIVE tariff numbers, not official prices)" : "");
        out.printf("%-20s %-9s %14s %14s %9s %16s%n", "plan", "basis", "total (元)", "vs current", "", "projected (元)");
        for (Priced p : options) {
            String diff = "";
            String pct = "";
            if (reference != null) {
                BigDecimal d = p.bill().total().subtract(reference.bill().total());
                diff = (d.signum() > 0 ? "+" : "") + d.toPlainString();
                pct = reference.bill().total().signum() == 0
                        ? ""
                        : (d.signum() > 0 ? "+" : "")
                                + d.multiply(BigDecimal.valueOf(100))
                                        .divide(reference.bill().total(), 1, RoundingMode.HALF_UP)
                                        .toPlainString()
                                + " %";
            }
            out.printf(
                    "%-20s %-9s %14s %14s %9s %16s%s%n",
                    p.bill().planId(),
                    p.bill().terms().basis() == null
                            ? "-"
                            : p.bill().terms().basis().id(),
                    p.bill().total().toPlainString(),
                    diff,
                    pct,
                    p.projected() == null ? "" : p.projected().total().toPlainString(),
                    p == reference ? "  (current)" : "");
        }
        for (String n : notEligible) {
            out.println("not open to this customer: " + n);
        }
        return 0;
    }

    record Priced(Bill bill, Bill projected) {}

    private Priced price(TariffPlan plan, CustomerTerms terms, UsageFiles.Usage usage) {
        UsageFiles.Priced u = usage.under(plan, ytdKwh);
        Bill bill = BillEngine.price(plan, terms, u.usage());
        Bill projected = u.coveredDays() == null
                ? null
                : BillEngine.price(plan, terms, Projection.toMonthEnd(plan, u.usage(), u.coveredDays()));
        return new Priced(bill, projected);
    }

    /** The bases to compare under a two-part plan: capacity and demand, and contract when the customer has a contract demand. */
    private static List<CustomerTerms> basesOf(TariffPlan plan, CustomerTerms terms) {
        if (!plan.versions().get(plan.versions().size() - 1).twoPart()) {
            return List.of(terms.withBasis(null, terms.contractKw()));
        }
        BasicCharge basic = plan.versions().get(plan.versions().size() - 1).basic();
        List<CustomerTerms> out = new ArrayList<>();
        for (BasicCharge.Basis b : BasicCharge.Basis.values()) {
            if (basic.offers(b) && (b != BasicCharge.Basis.CONTRACT || terms.contractKw() != null)) {
                out.add(terms.withBasis(b, terms.contractKw()));
            }
        }
        return out;
    }

    private static boolean anyIllustrative(List<Priced> options) {
        return options.stream().anyMatch(p -> p.bill().illustrative());
    }

    private static String describe(CustomerTerms t) {
        return t.customerClass() + ", " + t.capacityKva().stripTrailingZeros().toPlainString() + " kVA at "
                + t.voltageLevel()
                + (t.basis() == null ? "" : ", basis " + t.basis().id())
                + (t.contractKw() == null
                        ? ""
                        : ", contract " + t.contractKw().stripTrailingZeros().toPlainString() + " kW");
    }

    private static void printBill(PrintStream out, Priced p) {
        Bill b = p.bill();
        out.printf(
                "Plan %s — %s%s%n",
                b.planId(), b.planName(), b.illustrative() ? " (ILLUSTRATIVE numbers, not official prices)" : "");
        out.printf(
                "Month %s%s; %s%n",
                b.month(),
                b.coveredDays() == null
                        ? ""
                        : " to date ("
                                + b.coveredDays()
                                        .setScale(2, RoundingMode.HALF_UP)
                                        .toPlainString() + " days)",
                describe(b.terms()));
        StringBuilder usage =
                new StringBuilder("Usage: " + b.kwh().stripTrailingZeros().toPlainString() + " kWh");
        if (b.kvarh() != null) {
            usage.append(", ")
                    .append(b.kvarh().stripTrailingZeros().toPlainString())
                    .append(" kvarh");
        }
        if (b.powerFactor() != null) {
            usage.append(", power factor ").append(b.powerFactor().toPlainString());
        }
        if (b.maxDemandKw() != null) {
            usage.append(", maximum demand ")
                    .append(b.maxDemandKw().stripTrailingZeros().toPlainString())
                    .append(" kW (highest 15-minute block: an estimate of the billed value)");
        }
        out.println(usage);
        out.println();
        out.printf(
                "%-45s %-9s %4s %-10s %16s %-7s %12s %6s %13s%n",
                "charge", "period", "tier", "version", "quantity", "unit", "unit price", "share", "amount (元)");
        for (BillLine l : b.lines()) {
            out.printf(
                    "%-45s %-9s %4s %-10s %16s %-7s %12s %6s %13s%s%n",
                    (l.memo() ? "  " : "") + l.charge().label,
                    l.period() == null ? "" : l.period(),
                    l.tier() == null ? "" : l.tier(),
                    l.versionFrom() == null ? "" : l.versionFrom(),
                    l.quantity().stripTrailingZeros().toPlainString(),
                    l.unit(),
                    l.unitPrice().stripTrailingZeros().toPlainString(),
                    l.share() == null ? "" : l.share(),
                    (l.memo()
                            ? "(" + l.amount().toPlainString() + ")"
                            : l.amount().toPlainString()),
                    l.note() == null ? "" : "  " + l.note());
        }
        out.printf("%-45s %91s%n", "total", b.total().toPlainString());
        if (p.projected() != null) {
            out.printf(
                    "%-45s %91s%n",
                    "projected to the month's end", p.projected().total().toPlainString());
        }
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
                .findAndRegisterModules();
    }

    private static ObjectNode toJson(Priced p, TariffPlan plan) {
        ObjectMapper m = mapper();
        Bill b = p.bill();
        ObjectNode o = m.createObjectNode();
        o.put("plan", b.planId());
        o.put("planName", b.planName());
        o.put("illustrative", b.illustrative());
        o.put("month", b.month().toString());
        o.put("basis", b.terms().basis() == null ? null : b.terms().basis().id());
        o.put("kwh", b.kwh());
        o.put("kvarh", b.kvarh());
        o.put("powerFactor", b.powerFactor());
        o.put("maxDemandKw", b.maxDemandKw());
        o.put("maxDemandAt", b.maxDemandAt() == null ? null : b.maxDemandAt().toString());
        o.put("coveredDays", b.coveredDays());
        ArrayNode lines = o.putArray("lines");
        for (BillLine l : b.lines()) {
            ObjectNode x = lines.addObject();
            x.put("charge", l.charge().id());
            x.put("period", l.period());
            x.put("tier", l.tier());
            x.put(
                    "versionFrom",
                    l.versionFrom() == null ? null : l.versionFrom().toString());
            x.put("quantity", l.quantity());
            x.put("unit", l.unit());
            x.put("unitPrice", l.unitPrice());
            x.put("share", l.share());
            x.put("amount", l.amount());
            x.put("memo", l.memo());
            x.put("note", l.note());
        }
        o.put("total", b.total());
        o.put("projectedTotal", p.projected() == null ? null : p.projected().total());
        o.put("eligible", plan.eligible(b.terms()));
        return o;
    }
}

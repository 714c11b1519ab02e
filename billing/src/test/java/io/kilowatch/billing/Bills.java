package io.kilowatch.billing;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.tariff.BasicCharge;
import io.kilowatch.model.tariff.CustomerTerms;
import io.kilowatch.model.tariff.TariffCatalogue;
import io.kilowatch.model.tariff.TariffPlan;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test helpers: customers, usage in local time, and bills read as "charge period amount" lines. */
final class Bills {
    static final TariffCatalogue SAMPLE = TariffCatalogue.sample();

    private Bills() {}

    static TariffPlan plan(String id) {
        return SAMPLE.plan(id);
    }

    static TariffPlan yamlPlan(String yaml) {
        return TariffCatalogue.parseYaml(yaml.getBytes(StandardCharsets.UTF_8))
                .plans()
                .values()
                .iterator()
                .next();
    }

    static CustomerTerms customer(String cls, String level, double kva) {
        return new CustomerTerms(cls, level, "R01", BigDecimal.valueOf(kva), null, null);
    }

    static CustomerTerms twoPart(String cls, double kva, BasicCharge.Basis basis, String contractKw) {
        return new CustomerTerms(
                cls,
                "1-10kV",
                "R01",
                BigDecimal.valueOf(kva),
                basis,
                contractKw == null ? null : new BigDecimal(contractKw));
    }

    /** Month totals: "period=kWh" pairs. */
    static Bill totals(
            TariffPlan plan,
            CustomerTerms c,
            String month,
            String kvarh,
            String maxDemandKw,
            String ytd,
            String... periodKwh) {
        Map<String, BigDecimal> byPeriod = new LinkedHashMap<>();
        for (String p : plan.versions().get(0).calendar().periods()) {
            byPeriod.put(p, BigDecimal.ZERO);
        }
        for (String pk : periodKwh) {
            String[] kv = pk.split("=");
            byPeriod.put(kv[0], new BigDecimal(kv[1]));
        }
        MonthTotals t = new MonthTotals(
                YearMonth.parse(month),
                byPeriod,
                kvarh == null ? null : new BigDecimal(kvarh),
                maxDemandKw == null ? null : new BigDecimal(maxDemandKw),
                ytd == null ? null : new BigDecimal(ytd));
        return BillEngine.price(plan, c, t.toUsage(plan));
    }

    /** Intervals of a month, given in the plan's local time. */
    static final class Intervals {
        final TariffPlan plan;
        final UsageBuilder usage;

        Intervals(TariffPlan plan, String month) {
            this.plan = plan;
            this.usage = new UsageBuilder(plan, YearMonth.parse(month));
        }

        /** {@code quarters} consecutive intervals from local {@code start}, each with {@code kwh} (and {@code kvarh}). */
        Intervals at(String localStart, int quarters, String kwh, String kvarh) {
            LocalDateTime t = LocalDateTime.parse(localStart);
            for (int i = 0; i < quarters; i++) {
                usage.add(
                        t.plusMinutes(15L * i).atZone(plan.zone()).toInstant(),
                        new BigDecimal(kwh),
                        kvarh == null ? null : new BigDecimal(kvarh));
            }
            return this;
        }

        Bill bill(CustomerTerms c) {
            return BillEngine.price(plan, c, usage.build(BigDecimal.ZERO, null));
        }
    }

    /** Each line as "charge[ period][ tier N][ from DATE]: amount" (memo lines marked), for readable assertions. */
    static List<String> lines(Bill b) {
        return b.lines().stream()
                .map(l -> l.charge().id() + (l.period() == null ? "" : " " + l.period())
                        + (l.tier() == null ? "" : " tier " + l.tier()) + (l.memo() ? " (memo)" : "") + ": "
                        + l.amount().toPlainString())
                .toList();
    }

    static void assertBill(Bill b, String total, String... lines) {
        assertThat(lines(b)).containsExactly(lines);
        assertThat(b.total()).isEqualByComparingTo(total);
        assertThat(b.total().scale()).isEqualTo(2);
    }
}

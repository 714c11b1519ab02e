package io.kilowatch.flink.influx;

import io.kilowatch.flink.records.BillPoint;
import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.flink.records.PipelineCount;
import io.kilowatch.flink.records.RevenuePoint;
import io.kilowatch.model.Alert;
import io.kilowatch.model.Hint;
import java.math.BigDecimal;

/**
 * InfluxDB line protocol, written by hand: escaping is the whole difficulty and is unit-tested;
 * a client library for it would bring an HTTP stack we do not use. Timestamps in milliseconds
 * (the writer posts with {@code precision=ms}).
 */
public final class LineProtocol {
    private LineProtocol() {}

    public static String load(LoadPoint p) {
        StringBuilder b = new StringBuilder(160);
        b.append("load,id=");
        tag(b, p.id());
        b.append(",interval=");
        tag(b, p.interval());
        b.append(",level=");
        tag(b, p.level());
        b.append(" kw_avg=")
                .append(p.kwAvg())
                .append(",kw_max=")
                .append(p.kwMax())
                .append(",kw_min=")
                .append(p.kwMin())
                .append(",kwh=")
                .append(p.kwh());
        if (!Double.isNaN(p.kvarh())) {
            b.append(",kvarh=").append(p.kvarh());
        }
        b.append(",meters=")
                .append(p.meters())
                .append('i')
                .append(",readings=")
                .append(p.readings())
                .append('i')
                .append(",estimated=")
                .append(p.estimated())
                .append('i');
        if (p.energySource() != null) {
            b.append(",energy_source=");
            stringField(b, p.energySource());
        }
        if (p.registerEvent() != null) {
            b.append(",register_event=");
            stringField(b, p.registerEvent());
        }
        b.append(' ').append(p.windowStart());
        return b.toString();
    }

    /**
     * {@code load_compare}: a meter's 15-minute point {@code shift} later, tagged with the shift, so
     * that yesterday's curve is drawn under today's. Only what the comparison needs.
     */
    public static String loadShifted(LoadPoint p, String shift, long shiftMs) {
        StringBuilder b = new StringBuilder(96);
        b.append("load_compare,id=");
        tag(b, p.id());
        b.append(",interval=");
        tag(b, p.interval());
        b.append(",level=");
        tag(b, p.level());
        b.append(",shift=");
        tag(b, shift);
        b.append(" kw_avg=").append(p.kwAvg());
        b.append(' ').append(p.windowStart() + shiftMs);
        return b.toString();
    }

    /** {@code daily_kpi}: energy per time-of-use period as {@code kwh_<period>}; times as epoch-ms integers. */
    public static String dailyKpi(DailyKpi k) {
        StringBuilder b = new StringBuilder(256);
        b.append("daily_kpi,id=");
        tag(b, k.id());
        b.append(",level=");
        tag(b, k.level());
        b.append(" peak_kw=")
                .append(k.peakKw())
                .append(",peak_ts=")
                .append(k.peakTs())
                .append('i')
                .append(",valley_kw=")
                .append(k.valleyKw())
                .append(",valley_ts=")
                .append(k.valleyTs())
                .append('i')
                .append(",avg_kw=")
                .append(k.avgKw())
                .append(",load_factor=")
                .append(k.loadFactor())
                .append(",peak_valley_ratio=")
                .append(k.peakValleyRatio())
                .append(",kwh=")
                .append(k.kwh())
                .append(",intervals=")
                .append(k.intervals())
                .append('i')
                .append(",estimated=")
                .append(k.estimated())
                .append('i');
        for (int i = 0; i < k.periods().length; i++) {
            b.append(",kwh_").append(k.periods()[i]).append('=').append(k.kwhByPeriod()[i]);
        }
        b.append(' ').append(k.dayStart());
        return b.toString();
    }

    /**
     * {@code alerts}: one point per transition, at its event time. An episode's OPEN and RESOLVED
     * are two points of the same series; {@code last(state)} grouped by {@code id, type} is what
     * is open now. Grid alerts have no {@code customer} tag (an empty tag is not allowed). The
     * {@code rule} tag ({@link Alert#rule()}) keeps two alerts of one type open on one subject
     * (two kinds of tamper) in two series, so each is a row. {@code parent_id} is the incident an
     * alert is folded under, "" when it stands alone (always written, so a query can ask for
     * either: InfluxQL cannot test a field for absence).
     */
    public static String alert(Alert a) {
        StringBuilder b = new StringBuilder(256);
        b.append("alerts");
        if (a.customerId() != null && !a.customerId().isEmpty()) {
            b.append(",customer=");
            tag(b, a.customerId());
        }
        b.append(",id=");
        tag(b, a.subjectId());
        b.append(",level=");
        tag(b, a.level() == null ? "meter" : a.level());
        b.append(",rule=");
        tag(b, a.rule());
        b.append(",severity=");
        tag(b, a.severity() == null ? "warning" : a.severity());
        b.append(",type=");
        tag(b, a.type());
        b.append(" state=");
        stringField(b, a.state().name());
        b.append(",value=")
                .append(a.value())
                .append(",threshold=")
                .append(a.threshold())
                .append(",opened_at=")
                .append(a.openedAt())
                .append('i')
                .append(",unit=");
        stringField(b, a.unit() == null ? "" : a.unit());
        b.append(",message=");
        stringField(b, a.message() == null ? "" : a.message());
        b.append(",alert_id=");
        stringField(b, a.alertId());
        b.append(",parent_id=");
        stringField(b, a.parentId() == null ? "" : a.parentId());
        b.append(' ').append(a.ts());
        return b.toString();
    }

    /**
     * {@code bills}: one point per (customer, plan, month) at the month's start, overwritten as the
     * month goes on. Amounts in 元 with two decimals, once: a float64 holds every such amount below
     * 10^13 元 closely enough to read back to the fen, and it is the largest tariff measurement (a
     * second, integer-fen copy of each amount cost InfluxDB a quarter more field values). Sums
     * that must be exact are {@code revenue}'s, in integer fen. {@code kwh_<period>}: the month's
     * energy per time-of-use period of the plan (plans with periods only).
     *
     * <p>A field is written only where it says something of this plan: the customer's usage
     * ({@code kwh}, {@code max_demand_kw}, {@code power_factor}) and how far it goes ({@code
     * as_of}) on its current plan's point (they are the same under every plan), {@code basic} and
     * {@code pf_adjustment} only where the plan has such a charge for the customer, {@code
     * current} where true (and false over a point that may have said true), {@code final} on the
     * month's final point, {@code partial} when true and on final points. InfluxDB's cost of a
     * bill follows its field values (each field of a series is a key of its own: see
     * docs/benchmarks.md). A later point keeps the fields it lacks from the earlier one at the
     * same time, so a field left out never means "now false" or "now 0" where an earlier point
     * said otherwise: what a series once had it gets again (the final point writes {@code partial}
     * either way; {@code final} only ever turns true). For the same reason a {@link
     * BillPoint#repeat} point leaves out {@code current}, {@code illustrative} and {@code basis}:
     * the month's earlier point has them as they are, and a customer's second and later bills of a
     * month were a third of their field values.
     */
    public static String bill(BillPoint p) {
        StringBuilder b = new StringBuilder(320);
        b.append("bills,customer=");
        tag(b, p.customerId());
        b.append(",month=");
        tag(b, p.month());
        b.append(",plan=");
        tag(b, p.planId());
        b.append(' ');
        yuan(b, "total", p.total());
        b.append(',');
        yuan(b, "projected", p.projected());
        b.append(',');
        yuan(b, "energy", p.energy());
        if (p.basic() != null) {
            b.append(',');
            yuan(b, "basic", p.basic());
        }
        if (p.powerFactorAdjustment() != null) {
            b.append(',');
            yuan(b, "pf_adjustment", p.powerFactorAdjustment());
        }
        if (p.current()) {
            b.append(",kwh=").append(p.kwh());
            if (!Double.isNaN(p.maxDemandKw())) {
                b.append(",max_demand_kw=").append(p.maxDemandKw());
            }
            if (!Double.isNaN(p.powerFactor())) {
                b.append(",power_factor=").append(p.powerFactor());
            }
        }
        if (!p.repeat() && (p.current() || p.wasCurrent())) {
            b.append(",current=").append(p.current());
        }
        if (p.fin()) {
            b.append(",final=true");
        }
        if (p.partial() || p.fin()) {
            b.append(",partial=").append(p.partial());
        }
        if (!p.repeat()) {
            b.append(",illustrative=").append(p.illustrative());
        }
        if (p.current()) {
            b.append(",as_of=").append(p.asOf()).append('i');
        }
        for (int i = 0; i < p.periods().length; i++) {
            b.append(",kwh_");
            tag(b, p.periods()[i]);
            b.append('=').append(p.periodKwh()[i]);
        }
        if (p.basis() != null && !p.repeat()) {
            b.append(",basis=");
            stringField(b, p.basis());
        }
        b.append(' ').append(p.monthStart());
        return b.toString();
    }

    /** {@code tariff_hints}: one point per hint at its event time. */
    public static String hint(Hint h) {
        StringBuilder b = new StringBuilder(512);
        b.append("tariff_hints,customer=");
        tag(b, h.customerId());
        b.append(",kind=");
        tag(b, h.kind());
        b.append(' ');
        money(b, "saving", h.saving().toPlainString());
        if (h.currentCost() != null) {
            b.append(",current_cost=").append(h.currentCost().toPlainString());
        }
        if (h.alternativeCost() != null) {
            b.append(",alternative_cost=").append(h.alternativeCost().toPlainString());
        }
        b.append(",plan=");
        stringField(b, h.plan());
        b.append(",target=");
        stringField(b, h.target() == null ? "" : h.target());
        b.append(",month=");
        stringField(b, h.month());
        b.append(",illustrative=").append(h.illustrative());
        for (java.util.Map.Entry<String, BigDecimal> f : new java.util.TreeMap<>(h.figures()).entrySet()) {
            b.append(',');
            tag(b, f.getKey());
            b.append('=').append(f.getValue().toPlainString());
        }
        b.append(",message=");
        stringField(b, h.message());
        b.append(",hint_id=");
        stringField(b, h.hintId());
        b.append(' ').append(h.ts());
        return b.toString();
    }

    /** {@code revenue}: an aggregate's month under its customers' current plans, and the saving their hints offer. */
    public static String revenue(RevenuePoint r) {
        StringBuilder b = new StringBuilder(200);
        b.append("revenue,id=");
        tag(b, r.id());
        b.append(",level=");
        tag(b, r.level());
        b.append(",month=");
        tag(b, r.month());
        b.append(' ');
        money(b, "billed", BigDecimal.valueOf(r.billedFen(), 2).toPlainString());
        b.append(',');
        money(b, "projected", BigDecimal.valueOf(r.projectedFen(), 2).toPlainString());
        b.append(',');
        money(b, "hint_saving", BigDecimal.valueOf(r.savingFen(), 2).toPlainString());
        b.append(",customers=").append(r.customers()).append('i');
        b.append(' ').append(r.monthStart());
        return b.toString();
    }

    /** A money field in 元, to the fen. */
    private static void yuan(StringBuilder b, String name, String amount) {
        b.append(name)
                .append('=')
                .append(new BigDecimal(amount)
                        .setScale(2, java.math.RoundingMode.HALF_UP)
                        .toPlainString());
    }

    /** A money field twice: as a float {@code name} and as integer fen {@code name_fen}. */
    private static void money(StringBuilder b, String name, String amount) {
        BigDecimal a = new BigDecimal(amount);
        b.append(name)
                .append('=')
                .append(a.toPlainString())
                .append(',')
                .append(name)
                .append("_fen=")
                .append(a.setScale(2, java.math.RoundingMode.HALF_UP)
                        .movePointRight(2)
                        .longValueExact())
                .append('i');
    }

    /**
     * {@code insight}: one member's day (docs/insight.md). Growth fields only when both windows
     * are complete; {@code segment} a tag (dashboards count customers per band), as are
     * {@code class} and {@code customer}.
     */
    public static String insight(io.kilowatch.flink.records.InsightPoint p) {
        StringBuilder b = new StringBuilder(220);
        b.append("insight");
        optionalTag(b, "class", p.customerClass());
        optionalTag(b, "customer", p.customer());
        b.append(",id=");
        tag(b, p.id());
        b.append(",level=");
        tag(b, p.level());
        optionalTag(b, "segment", p.segment());
        b.append(" kwh=").append(p.kwh());
        finite(b, "kwh_before", p.kwhBefore());
        finite(b, "growth", p.growth());
        b.append(",peak_kw=").append(p.peakKw());
        finite(b, "peak_kw_before", p.peakBeforeKw());
        finite(b, "peak_growth", p.peakGrowth());
        finite(b, "month_kwh", p.monthKwh());
        finite(b, "growth_on_year", p.growthOnYear());
        b.append(",window_days=")
                .append(p.windowDays())
                .append("i,days=")
                .append(p.days())
                .append('i');
        if (p.growthRank() > 0) {
            b.append(",growth_rank=")
                    .append(p.growthRank())
                    .append("i,shrink_rank=")
                    .append(p.shrinkRank())
                    .append('i');
        }
        b.append(' ').append(p.dayStart());
        return b.toString();
    }

    private static void finite(StringBuilder b, String name, double v) {
        if (Double.isFinite(v)) {
            b.append(',').append(name).append('=').append(v);
        }
    }

    /**
     * {@code registry}: one point per meter, at time 0 (so each update overwrites it), tagged by
     * where it sits — what dashboards' chained variables (region → feeder → transformer →
     * customer → meter) are read from. A removed meter's point says {@code present=false}; a meter
     * moved to another transformer leaves its old series behind (present) until it is dropped
     * (docs/registry.md).
     */
    public static String registry(io.kilowatch.flink.records.RegistryUpdate u) {
        io.kilowatch.model.RegistryEntry e = u.entry();
        StringBuilder b = new StringBuilder(200);
        b.append("registry");
        if (e != null) {
            optionalTag(b, "class", e.customerClass());
            optionalTag(b, "customer", e.customerId());
            optionalTag(b, "feeder", e.feederId());
        }
        b.append(",id=");
        tag(b, u.meterId());
        if (e != null) {
            optionalTag(b, "region", e.region());
            optionalTag(b, "transformer", e.transformerId());
            b.append(" present=true,contracted_kva=").append(e.contractedKva()).append(",tariff_plan=");
            stringField(b, e.tariffPlanId() == null ? "" : e.tariffPlanId());
        } else {
            b.append(" present=false");
        }
        b.append(" 0");
        return b.toString();
    }

    private static void optionalTag(StringBuilder b, String key, String value) {
        if (value != null && !value.isEmpty()) {
            b.append(',').append(key).append('=');
            tag(b, value);
        }
    }

    /** {@code pipeline}: one running total as an integer field named after the counter. */
    public static String pipeline(PipelineCount c) {
        StringBuilder b = new StringBuilder(80);
        b.append("pipeline,component=");
        tag(b, c.component());
        b.append(' ')
                .append(c.counter())
                .append('=')
                .append(c.total())
                .append("i ")
                .append(c.at());
        return b.toString();
    }

    /** Tag keys and values: commas, equals signs and spaces are escaped; newlines cannot be represented. */
    static void tag(StringBuilder b, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case ',', '=', ' ' -> b.append('\\').append(c);
                case '\\' -> b.append("\\\\");
                case '\n', '\r' -> b.append(' ');
                default -> b.append(c);
            }
        }
    }

    /** String field values: double quotes and backslashes escaped. */
    static void stringField(StringBuilder b, String v) {
        b.append('"');
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        b.append('"');
    }
}

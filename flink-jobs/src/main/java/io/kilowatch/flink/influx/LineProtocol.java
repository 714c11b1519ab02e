package io.kilowatch.flink.influx;

import io.kilowatch.flink.records.DailyKpi;
import io.kilowatch.model.Alert;
import io.kilowatch.flink.records.LoadPoint;
import io.kilowatch.flink.records.PipelineCount;

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
        b.append(" kw_avg=").append(p.kwAvg())
                .append(",kw_max=").append(p.kwMax())
                .append(",kw_min=").append(p.kwMin())
                .append(",kwh=").append(p.kwh())
                .append(",meters=").append(p.meters()).append('i')
                .append(",readings=").append(p.readings()).append('i')
                .append(",estimated=").append(p.estimated()).append('i');
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

    /** {@code daily_kpi}: energy per time-of-use period as {@code kwh_<period>}; times as epoch-ms integers. */
    public static String dailyKpi(DailyKpi k) {
        StringBuilder b = new StringBuilder(256);
        b.append("daily_kpi,id=");
        tag(b, k.id());
        b.append(",level=");
        tag(b, k.level());
        b.append(" peak_kw=").append(k.peakKw())
                .append(",peak_ts=").append(k.peakTs()).append('i')
                .append(",valley_kw=").append(k.valleyKw())
                .append(",valley_ts=").append(k.valleyTs()).append('i')
                .append(",avg_kw=").append(k.avgKw())
                .append(",load_factor=").append(k.loadFactor())
                .append(",peak_valley_ratio=").append(k.peakValleyRatio())
                .append(",kwh=").append(k.kwh())
                .append(",intervals=").append(k.intervals()).append('i')
                .append(",estimated=").append(k.estimated()).append('i');
        for (int i = 0; i < k.periods().length; i++) {
            b.append(",kwh_").append(k.periods()[i]).append('=').append(k.kwhByPeriod()[i]);
        }
        b.append(' ').append(k.dayStart());
        return b.toString();
    }

    /**
     * {@code alerts}: one point per transition, at its event time. An episode's OPEN and RESOLVED
     * are two points of the same series; {@code last(state)} grouped by {@code id, type} is what
     * is open now. Grid alerts have no {@code customer} tag (an empty tag is not allowed).
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
        b.append(",severity=");
        tag(b, a.severity() == null ? "warning" : a.severity());
        b.append(",type=");
        tag(b, a.type());
        b.append(" state=");
        stringField(b, a.state().name());
        b.append(",value=").append(a.value())
                .append(",threshold=").append(a.threshold())
                .append(",opened_at=").append(a.openedAt()).append('i')
                .append(",unit=");
        stringField(b, a.unit() == null ? "" : a.unit());
        b.append(",message=");
        stringField(b, a.message() == null ? "" : a.message());
        b.append(",alert_id=");
        stringField(b, a.alertId());
        b.append(' ').append(a.ts());
        return b.toString();
    }

    /** {@code pipeline}: one running total as an integer field named after the counter. */
    public static String pipeline(PipelineCount c) {
        StringBuilder b = new StringBuilder(80);
        b.append("pipeline,component=");
        tag(b, c.component());
        b.append(' ').append(c.counter()).append('=').append(c.total()).append("i ").append(c.at());
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

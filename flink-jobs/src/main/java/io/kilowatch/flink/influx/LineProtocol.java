package io.kilowatch.flink.influx;

import io.kilowatch.flink.records.LoadPoint;

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
                .append(' ').append(p.windowStart());
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

package io.kilowatch.flink.influx;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.flink.records.LoadPoint;
import org.junit.jupiter.api.Test;

class LineProtocolTest {
    @Test
    void loadPointIsOneLineWithIntegerCountsAndMillisecondTimestamp() {
        LoadPoint p = new LoadPoint("meter", "MAC000002", "15m", 1_700_000_100_000L, 1.5, 2.25, 0.5, 0.375, 15, 1);
        assertThat(LineProtocol.load(p)).isEqualTo(
                "load,id=MAC000002,interval=15m,level=meter kw_avg=1.5,kw_max=2.25,kw_min=0.5,kwh=0.375,meters=1i,readings=15i 1700000100000");
    }

    @Test
    void doublesKeepEveryDigit() {
        LoadPoint p = new LoadPoint("meter", "m", "1m", 0, 0.1 + 0.2, 1e-300, -1.7976931348623157E308, 1.0 / 3, 1, 1);
        assertThat(LineProtocol.load(p)).contains("kw_avg=0.30000000000000004,kw_max=1.0E-300,kw_min=-1.7976931348623157E308,kwh=0.3333333333333333,");
    }

    @Test
    void tagValuesAreEscaped() {
        StringBuilder b = new StringBuilder();
        LineProtocol.tag(b, "a b,c=d\\e\nf");
        assertThat(b).hasToString("a\\ b\\,c\\=d\\\\e f");
    }

    @Test
    void stringFieldsAreQuotedAndEscaped() {
        StringBuilder b = new StringBuilder();
        LineProtocol.stringField(b, "say \"hi\" \\ bye");
        assertThat(b).hasToString("\"say \\\"hi\\\" \\\\ bye\"");
    }
}

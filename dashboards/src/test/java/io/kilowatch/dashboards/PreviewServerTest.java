package io.kilowatch.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The preview's InfluxQL proxy passes on read queries only. */
class PreviewServerTest {
    @Test
    void onlyOneSelectOrShowStatementIsPassedOn() {
        assertThat(PreviewServer.isReadOnly("SELECT last(\"kw_avg\") FROM \"load\" WHERE time > now() - 1h"))
                .isTrue();
        assertThat(PreviewServer.isReadOnly("  show tag values from \"registry\" with key = \"region\""))
                .isTrue();
        assertThat(PreviewServer.isReadOnly("DROP DATABASE kilowatch")).isFalse();
        assertThat(PreviewServer.isReadOnly("SELECT * INTO \"copy\" FROM \"load\""))
                .as("SELECT … INTO writes")
                .isFalse();
        assertThat(PreviewServer.isReadOnly("SELECT 1 FROM a; DROP DATABASE kilowatch"))
                .isFalse();
        assertThat(PreviewServer.isReadOnly("CREATE USER x WITH PASSWORD 'y' WITH ALL PRIVILEGES"))
                .isFalse();
        assertThat(PreviewServer.isReadOnly(null)).isFalse();
    }
}

package io.kilowatch.dashboards;

import static io.kilowatch.model.testing.InfluxQuery.asLong;
import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestStack;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The alerts dashboard (grafana/alerts.json): every panel's query runs against the real InfluxDB
 * on transitions written in the alert job's line protocol (LineProtocol.alert, pinned by
 * LineProtocolTest) and shows what is open, what opened, and what is for inspectors only.
 */
class AlertsDashboardIT {
    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final String DB = "alerts_" + Long.toHexString(System.nanoTime());
    private static final long NOW = System.currentTimeMillis();
    private static final long MIN = 60_000;
    private static InfluxQuery influx;
    private static Dashboard dashboard;

    @BeforeAll
    static void writeTransitions() throws Exception {
        influx = new InfluxQuery(STACK.influxUrl(), DB);
        influx.execute("CREATE DATABASE \"" + DB + "\"");
        influx.write(String.join("\n",
                line("c1", "m1", "meter", "warning", "over_capacity", "OPEN", 10.2, 8, "kVA", "m1/over_capacity/1", NOW - 180 * MIN),
                line("c1", "m1", "meter", "warning", "over_capacity", "RESOLVED", 10.2, 8, "kVA", "m1/over_capacity/1", NOW - 120 * MIN),
                line("c2", "m2", "meter", "warning", "low_pf", "OPEN", 0.65, 0.8, "pf", "m2/low_pf/2", NOW - 60 * MIN),
                line(null, "T1", "transformer", "critical", "transformer_overload", "OPEN", 1200, 1000, "kVA", "T1/transformer_overload/3",
                        NOW - 30 * MIN),
                line("c3", "m3", "meter", "critical", "tamper", "OPEN", 50, 0.01, "kWh", "m3/tamper.register_backwards/4", NOW - 20 * MIN),
                line("c4", "m4", "meter", "warning", "theft_suspected", "OPEN", 0.3, 0.5, "ratio", "m4/theft_suspected/5", NOW - 10 * MIN)));
        dashboard = Dashboard.load("grafana/alerts.json");
    }

    /** What the alert job writes for one transition. */
    private static String line(String customer, String id, String level, String severity, String type, String state, double value,
                               double threshold, String unit, String alertId, long ts) {
        return "alerts" + (customer == null ? "" : ",customer=" + customer) + ",id=" + id + ",level=" + level + ",severity=" + severity
                + ",type=" + type + " state=\"" + state + "\",value=" + value + ",threshold=" + threshold + ",opened_at=" + ts + "i,unit=\""
                + unit + "\",message=\"" + type + " at " + id + "\",alert_id=\"" + alertId + "\" " + ts;
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        influx.execute("DROP DATABASE \"" + DB + "\"");
    }

    private static List<Map<String, Object>> panel(String title) throws Exception {
        return influx.rows(dashboard.panelQuery(title)
                .replace("$timeFilter", "time >= " + (NOW - 2 * 86_400_000L) + "ms and time <= " + NOW + "ms")
                .replace("$__interval", "1h"));
    }

    @Test
    void everyPanelQueryRunsAndReturnsData() throws Exception {
        assertThat(dashboard.allQueries()).hasSize(3);
        for (String title : List.of("Open alerts", "Alerts opened by type", "For inspectors")) {
            assertThat(panel(title)).as(title).isNotEmpty();
        }
    }

    @Test
    void openAlertsAreTheSubjectsWhoseLastTransitionIsOpen() throws Exception {
        // The panel's Grafana transformation keeps the rows whose state is OPEN.
        List<Map<String, Object>> open = panel("Open alerts").stream().filter(r -> "OPEN".equals(r.get("state"))).toList();
        assertThat(open).extracting(r -> r.get("type") + " " + r.get("id") + " " + r.get("customer")).containsExactlyInAnyOrder(
                "low_pf m2 c2", "transformer_overload T1 ", "tamper m3 c3", "theft_suspected m4 c4");
        assertThat(open).filteredOn(r -> "m3".equals(r.get("id"))).singleElement()
                .satisfies(r -> assertThat(r.get("alert_id")).isEqualTo("m3/tamper.register_backwards/4"));
    }

    @Test
    void openedByTypeCountsOpenTransitionsOnly() throws Exception {
        List<Map<String, Object>> rows = panel("Alerts opened by type");
        assertThat(rows.stream().filter(r -> "over_capacity".equals(r.get("type"))).mapToLong(r -> asLong(r.get("count"))).sum()).isEqualTo(1);
        assertThat(rows.stream().mapToLong(r -> asLong(r.get("count"))).sum()).isEqualTo(5);
    }

    @Test
    void inspectorsSeeTheftAndTamperButNotCustomerAlerts() throws Exception {
        assertThat(panel("For inspectors")).extracting(r -> r.get("id") + " " + r.get("type"))
                .containsExactlyInAnyOrder("m3 tamper", "m4 theft_suspected");
    }
}

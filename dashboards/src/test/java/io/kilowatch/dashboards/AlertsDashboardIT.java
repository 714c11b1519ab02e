package io.kilowatch.dashboards;

import static io.kilowatch.model.testing.InfluxQuery.asLong;
import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.testing.Dashboard;
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
        influx = InfluxQuery.scratch(STACK.influxUrl(), DB);
        influx.write(String.join(
                "\n",
                line(
                        "c1",
                        "m1",
                        "meter",
                        "warning",
                        "over_capacity",
                        "OPEN",
                        10.2,
                        8,
                        "kVA",
                        "m1/over_capacity/1",
                        NOW - 180 * MIN),
                line(
                        "c1",
                        "m1",
                        "meter",
                        "warning",
                        "over_capacity",
                        "RESOLVED",
                        10.2,
                        8,
                        "kVA",
                        "m1/over_capacity/1",
                        NOW - 120 * MIN),
                line("c2", "m2", "meter", "warning", "low_pf", "OPEN", 0.65, 0.8, "pf", "m2/low_pf/2", NOW - 60 * MIN),
                line(
                        null,
                        "T1",
                        "transformer",
                        "critical",
                        "transformer_overload",
                        "OPEN",
                        1200,
                        1000,
                        "kVA",
                        "T1/transformer_overload/3",
                        NOW - 30 * MIN),
                line(
                        "c3",
                        "m3",
                        "meter",
                        "critical",
                        "tamper",
                        "OPEN",
                        50,
                        0.01,
                        "kWh",
                        "m3/tamper.register_backwards/4",
                        NOW - 20 * MIN),
                line(
                        "c4",
                        "m4",
                        "meter",
                        "warning",
                        "theft_suspected",
                        "OPEN",
                        0.3,
                        0.5,
                        "ratio",
                        "m4/theft_suspected/5",
                        NOW - 10 * MIN),
                // A second kind of tamper on m3, at the same instant: its own row.
                line(
                        "c3",
                        "m3",
                        "meter",
                        "critical",
                        "tamper",
                        "OPEN",
                        1.2,
                        0.2,
                        "A",
                        "m3/tamper.current_no_energy/4",
                        NOW - 20 * MIN),
                // T2's area dark: one incident, its two meters folded under it;
                // m7's earlier outage there stood alone and is over.
                line(
                        null,
                        "T2",
                        "transformer",
                        "critical",
                        "area_outage",
                        "OPEN",
                        2,
                        2,
                        "meters",
                        "T2/area_outage/6",
                        NOW - 9 * MIN),
                member("c5", "m5", "OPEN", "m5/meter_offline/6", "T2/area_outage/6", NOW - 9 * MIN),
                member("c6", "m6", "OPEN", "m6/meter_offline/6", "T2/area_outage/6", NOW - 9 * MIN),
                member("c7", "m7", "OPEN", "m7/meter_offline/1", "", NOW - 300 * MIN),
                member("c7", "m7", "RESOLVED", "m7/meter_offline/1", "", NOW - 200 * MIN)));
        dashboard = Dashboard.load("grafana/alerts.json");
    }

    /** What the alert job writes for one transition (LineProtocol.alert). */
    private static String line(
            String customer,
            String id,
            String level,
            String severity,
            String type,
            String state,
            double value,
            double threshold,
            String unit,
            String alertId,
            long ts) {
        return line(customer, id, level, severity, type, state, value, threshold, unit, alertId, "", ts);
    }

    private static String member(String customer, String id, String state, String alertId, String parent, long ts) {
        return line(customer, id, "meter", "warning", "meter_offline", state, 15, 15, "min", alertId, parent, ts);
    }

    private static String line(
            String customer,
            String id,
            String level,
            String severity,
            String type,
            String state,
            double value,
            double threshold,
            String unit,
            String alertId,
            String parent,
            long ts) {
        String rule = alertId.substring(alertId.indexOf('/') + 1, alertId.lastIndexOf('/'));
        return "alerts" + (customer == null ? "" : ",customer=" + customer) + ",id=" + id + ",level=" + level + ",rule="
                + rule
                + ",severity=" + severity + ",type=" + type + " state=\"" + state + "\",value=" + value + ",threshold="
                + threshold
                + ",opened_at=" + ts + "i,unit=\"" + unit + "\",message=\"" + type + " at " + id + "\",alert_id=\""
                + alertId
                + "\",parent_id=\"" + parent + "\" " + ts;
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        influx.close();
    }

    private static List<Map<String, Object>> panel(String title) throws Exception {
        return influx.rows(dashboard
                .panelQuery(title)
                .replace("$timeFilter", "time >= " + (NOW - 2 * 86_400_000L) + "ms and time <= " + NOW + "ms")
                .replace("$__interval", "1h"));
    }

    @Test
    void everyPanelQueryRunsAndReturnsData() throws Exception {
        assertThat(dashboard.allQueries()).hasSize(7);
        for (String title : List.of(
                "Open alerts",
                "Open incidents",
                "Incident members",
                "Alerts opened by type",
                "For inspectors",
                "Alerts opened by type in the time range",
                "Incidents and alerts standing alone")) {
            assertThat(panel(title)).as(title).isNotEmpty();
        }
    }

    @Test
    void openAlertsAreTheSubjectsWhoseLastTransitionIsOpen() throws Exception {
        // The panel's Grafana transformation keeps the rows whose state is OPEN.
        List<Map<String, Object>> open = panel("Open alerts").stream()
                .filter(r -> "OPEN".equals(r.get("state")))
                .toList();
        assertThat(open)
                .extracting(r -> r.get("type") + " " + r.get("id") + " " + r.get("customer"))
                .containsExactlyInAnyOrder(
                        "low_pf m2 c2",
                        "transformer_overload T1 ",
                        "tamper m3 c3",
                        "tamper m3 c3",
                        "theft_suspected m4 c4",
                        "area_outage T2 ",
                        "meter_offline m5 c5",
                        "meter_offline m6 c6");
        assertThat(open)
                .filteredOn(r -> "m3".equals(r.get("id")))
                .extracting(r -> r.get("alert_id"))
                .as("two kinds of tamper on one meter are two rows")
                .containsExactlyInAnyOrder("m3/tamper.register_backwards/4", "m3/tamper.current_no_energy/4");
        assertThat(open)
                .filteredOn(r -> "m5".equals(r.get("id")))
                .singleElement()
                .satisfies(r -> assertThat(r.get("incident")).isEqualTo("T2/area_outage/6"));
    }

    @Test
    void incidentsAreListedWithTheirMembers() throws Exception {
        List<Map<String, Object>> incidents = panel("Open incidents").stream()
                .filter(r -> "OPEN".equals(r.get("state")))
                .toList();
        assertThat(incidents).singleElement().satisfies(r -> {
            assertThat(r.get("alert_id")).isEqualTo("T2/area_outage/6");
            assertThat(asLong(r.get("members"))).isEqualTo(2);
        });
        List<Map<String, Object>> members = panel("Incident members").stream()
                .filter(r -> "OPEN".equals(r.get("state")))
                .toList();
        assertThat(members)
                .extracting(r -> r.get("id") + " " + r.get("incident"))
                .containsExactlyInAnyOrder("m5 T2/area_outage/6", "m6 T2/area_outage/6");
    }

    @Test
    void countsByTypeAreOneForEachAlertThatOpenedAndStaffCountsLeaveMembersOut() throws Exception {
        Map<String, Long> all = counts("Alerts opened by type in the time range");
        assertThat(all)
                .containsEntry("meter_offline", 3L)
                .containsEntry("tamper", 2L)
                .containsEntry("area_outage", 1L)
                .containsEntry("over_capacity", 1L);
        assertThat(counts("Incidents and alerts standing alone"))
                .containsEntry("meter_offline", 1L)
                .containsEntry("tamper", 2L)
                .containsEntry("area_outage", 1L);
    }

    private static Map<String, Long> counts(String title) throws Exception {
        return panel(title).stream()
                .collect(java.util.stream.Collectors.toMap(r -> (String) r.get("type"), r -> asLong(r.get("opened"))));
    }

    @Test
    void openedByTypeCountsOpenTransitionsOnly() throws Exception {
        List<Map<String, Object>> rows = panel("Alerts opened by type");
        assertThat(rows.stream()
                        .filter(r -> "over_capacity".equals(r.get("type")))
                        .mapToLong(r -> asLong(r.get("count")))
                        .sum())
                .isEqualTo(1);
        assertThat(rows.stream().mapToLong(r -> asLong(r.get("count"))).sum()).isEqualTo(10);
    }

    @Test
    void inspectorsSeeTheftAndTamperButNotCustomerAlerts() throws Exception {
        assertThat(panel("For inspectors"))
                .extracting(r -> r.get("id") + " " + r.get("type"))
                .containsExactlyInAnyOrder("m3 tamper", "m3 tamper", "m4 theft_suspected");
    }
}

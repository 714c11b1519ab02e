package io.kilowatch.dashboards;

import static io.kilowatch.model.testing.InfluxQuery.asDouble;
import static io.kilowatch.model.testing.InfluxQuery.asLong;
import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.testing.Dashboard;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestStack;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Grafana cannot run here, so its dashboard is tested the way Grafana would use it: every panel
 * query, with Grafana's macros substituted, runs against the real InfluxDB on known points, and
 * its numbers are checked.
 */
class DashboardQueriesIT {
    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final String DB = "dash_" + Long.toHexString(System.nanoTime());
    private static final long T0 = 1_700_000_100_000L - 1_700_000_100_000L % 900_000;
    private static final long T_END = T0 + 4 * 900_000;
    private static InfluxQuery influx;
    private static Dashboard dashboard;

    @BeforeAll
    static void writeKnownPoints() throws Exception {
        influx = InfluxQuery.scratch(STACK.influxUrl(), DB);
        StringBuilder lines = new StringBuilder();
        for (int m = 1; m <= 3; m++) {
            for (int w = 0; w < 4; w++) {
                double kw = m * 10 + w;
                lines.append(String.format(
                        "load,id=m%d,interval=15m,level=meter kw_avg=%s,kw_max=%s,kw_min=%s,kwh=%s,meters=1i,readings=15i %d%n",
                        m, kw, kw + 1, kw - 1, kw * 0.25, T0 + w * 900_000L));
                for (int minute = 0; minute < 15; minute++) {
                    lines.append(String.format(
                            "load,id=m%d,interval=1m,level=meter kw_avg=%s,kw_max=%s,kw_min=%s,kwh=%s,meters=1i,readings=1i %d%n",
                            m, kw, kw, kw, kw / 60, T0 + w * 900_000L + minute * 60_000L));
                }
            }
        }
        for (int m = 1; m <= 3; m++) {
            lines.append(String.format(
                    "registry,customer=C%d,feeder=F1,id=m%d,region=north,transformer=T1 present=true 0%n", m, m));
        }
        influx.write(lines.toString());
        dashboard = Dashboard.load("grafana/load-curves.json");
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        influx.close();
    }

    /** What Grafana sends for a panel over [T0, T_END) with meters m1 and m2 selected. */
    private static String grafanaRenders(String query) {
        return query.replace("$timeFilter", "time >= " + T0 + "ms and time <= " + (T_END - 1) + "ms")
                .replace("/^$region$/", "/^(north)$/")
                .replace("/^$feeder$/", "/^(F1)$/")
                .replace("/^$transformer$/", "/^(T1)$/")
                .replace("/^$meter$/", "/^(m1|m2)$/");
    }

    @Test
    void everyPanelAndVariableQueryRunsAndReturnsData() throws Exception {
        List<String> queries = dashboard.allQueries();
        assertThat(queries).hasSize(8);
        for (String q : queries) {
            assertThat(influx.rows(grafanaRenders(q))).as(q).isNotEmpty();
        }
    }

    @Test
    void fleetLoadIsTheSumOfMetersPerInterval() throws Exception {
        List<Map<String, Object>> rows = influx.rows(grafanaRenders(dashboard.panelQuery("Fleet load")));
        assertThat(rows).hasSize(4);
        for (int w = 0; w < 4; w++) {
            assertThat(asLong(rows.get(w).get("time"))).isEqualTo(T0 + w * 900_000L);
            assertThat(asDouble(rows.get(w).get("fleet kW"))).isEqualTo((10 + w) + (20 + w) + (30 + w));
        }
        List<Map<String, Object>> energy = influx.rows(grafanaRenders(dashboard.panelQuery("Energy per 15 minutes")));
        assertThat(asDouble(energy.get(0).get("kWh"))).isEqualTo((10 + 20 + 30) * 0.25);
    }

    @Test
    void completenessCountsMetersAndReadings() throws Exception {
        List<Map<String, Object>> rows = influx.rows(grafanaRenders(dashboard.panelQuery("Completeness")));
        assertThat(rows).allSatisfy(r -> {
            assertThat(asLong(r.get("meters reporting"))).isEqualTo(3);
            assertThat(asLong(r.get("readings"))).isEqualTo(45);
        });
    }

    @Test
    void selectedMetersOnlyAndTheVariableListsEveryMeter() throws Exception {
        Map<Object, Integer> perMeter = new HashMap<>();
        for (Map<String, Object> r : influx.rows(grafanaRenders(dashboard.panelQuery("Selected meters")))) {
            perMeter.merge(r.get("id"), 1, Integer::sum);
        }
        assertThat(perMeter)
                .containsOnlyKeys("m1", "m2")
                .containsEntry("m1", 60)
                .containsEntry("m2", 60);
        // region → feeder → transformer → meter: the meters of T1.
        String variable = dashboard.variableQuery(3).replace("/^$transformer$/", "/^(T1)$/");
        assertThat(influx.rows(variable)).extracting(r -> r.get("value")).containsExactly("m1", "m2", "m3");
    }
}

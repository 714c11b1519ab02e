package io.kilowatch.dashboards;

import static io.kilowatch.model.testing.InfluxQuery.asDouble;
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
 * The grid dashboard (grafana/grid-load.json) for marketing staff: every panel's query, as
 * Grafana would send it, runs against the real InfluxDB on points written in the job's own line
 * protocol (aggregates, daily KPIs, pipeline counts) and returns what was written.
 */
class GridDashboardIT {
    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final String DB = "grid_" + Long.toHexString(System.nanoTime());
    private static final long DAY0 =
            1_700_000_000_000L - 1_700_000_000_000L % 86_400_000 - 8 * 3_600_000; // midnight +08:00
    private static final long T_END = DAY0 + 2 * 86_400_000L;
    private static InfluxQuery influx;
    private static Dashboard dashboard;

    @BeforeAll
    static void writeKnownPoints() throws Exception {
        influx = InfluxQuery.scratch(STACK.influxUrl(), DB);
        StringBuilder lines = new StringBuilder();
        for (int q = 0; q < 8; q++) {
            long t = DAY0 + q * 900_000L;
            for (String region : List.of("north", "south")) {
                double kw = (region.equals("north") ? 100 : 50) + q;
                lines.append(String.format(
                        "load,id=%s,interval=15m,level=region kw_avg=%s,kw_max=%s,kw_min=%s,kwh=%s,meters=20i,readings=300i,estimated=0i %d%n",
                        region, kw, kw * 1.5, kw * 0.5, kw * 0.25, t));
            }
            lines.append(String.format(
                    "load,id=T1,interval=15m,level=transformer kw_avg=%s,kw_max=%s,kw_min=1.0,kwh=1.0,meters=5i,readings=75i,estimated=0i %d%n",
                    40.0 + q, 70.0 + q, t));
            lines.append(String.format(
                    "load,id=F1,interval=15m,level=feeder kw_avg=90.0,kw_max=120.0,kw_min=10.0,kwh=22.5,meters=%di,readings=300i,estimated=%di %d%n",
                    q == 3 ? 18 : 20, q == 3 ? 2 : 0, t));
            for (int m = 0; m < 15; m++) {
                lines.append(String.format(
                        "load,id=residential,interval=1m,level=class kw_avg=%s,kw_max=9.0,kw_min=1.0,kwh=0.1,meters=30i,readings=30i,estimated=0i %d%n",
                        30.0 + m, t + m * 60_000L));
            }
        }
        for (String cls : List.of("residential", "industrial")) {
            lines.append(String.format(
                    "daily_kpi,id=%s,level=class peak_kw=200.0,peak_ts=%di,valley_kw=20.0,valley_ts=%di,avg_kw=80.0,"
                            + "load_factor=0.4,peak_valley_ratio=0.9,kwh=1920.0,intervals=96i,estimated=0i,kwh_peak=800.0,kwh_flat=700.0,kwh_valley=420.0 %d%n",
                    cls, DAY0 + 3_600_000, DAY0, DAY0));
        }
        lines.append(String.format(
                "daily_kpi,id=north,level=region peak_kw=107.0,peak_ts=%di,valley_kw=100.0,valley_ts=%di,avg_kw=103.5,"
                        + "load_factor=0.967,peak_valley_ratio=0.065,kwh=2484.0,intervals=96i,estimated=0i,kwh_peak=1.0,kwh_flat=1.0,kwh_valley=1.0 %d%n",
                DAY0 + 7 * 900_000L, DAY0, DAY0));
        // Where the meters sit (the load-curve job's registry points):
        // what the variables region → feeder → transformer read.
        lines.append(
                "registry,class=residential,customer=C1,feeder=F1,id=m1,region=north,transformer=T1 present=true 0\n");
        lines.append(
                "registry,class=residential,customer=C2,feeder=F2,id=m2,region=south,transformer=T2 present=true 0\n");
        lines.append(String.format("pipeline,component=load-curves late_15m=3i %d%n", DAY0 + 60_000));
        lines.append(String.format("pipeline,component=load-curves late_1m=11i %d%n", DAY0 + 60_000));
        influx.write(lines.toString());
        dashboard = Dashboard.load("grafana/grid-load.json");
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        influx.close();
    }

    private static String grafanaRenders(String query) {
        return query.replace("$timeFilter", "time >= " + DAY0 + "ms and time <= " + (T_END - 1) + "ms")
                .replace("/^$region$/", "/^(north)$/")
                .replace("/^$feeder$/", "/^(F1)$/")
                .replace("/^$transformer$/", "/^(T1)$/")
                .replace("$__interval", "1h");
    }

    private static List<Map<String, Object>> panel(String title) throws Exception {
        return influx.rows(grafanaRenders(dashboard.panelQuery(title)));
    }

    @Test
    void everyPanelAndVariableQueryRunsAndReturnsData() throws Exception {
        List<String> queries = dashboard.allQueries();
        assertThat(queries).hasSize(11);
        for (String q : queries) {
            assertThat(influx.rows(grafanaRenders(q))).as(q).isNotEmpty();
        }
    }

    @Test
    void theVariablesChainRegionFeederTransformer() throws Exception {
        assertThat(influx.rows(grafanaRenders(dashboard.variableQuery(0))))
                .extracting(r -> r.get("value"))
                .containsExactly("north", "south");
        assertThat(influx.rows(grafanaRenders(dashboard.variableQuery(1))))
                .as("feeders of north")
                .extracting(r -> r.get("value"))
                .containsExactly("F1");
        assertThat(influx.rows(grafanaRenders(dashboard.variableQuery(2))))
                .as("transformers of F1")
                .extracting(r -> r.get("value"))
                .containsExactly("T1");
    }

    @Test
    void panelsShowTheLevelsTheySay() throws Exception {
        List<Map<String, Object>> regions = panel("Load by region");
        assertThat(regions).hasSize(16);
        assertThat(regions)
                .filteredOn(r -> "north".equals(r.get("id")))
                .extracting(r -> asDouble(r.get("load")))
                .containsExactly(100.0, 101.0, 102.0, 103.0, 104.0, 105.0, 106.0, 107.0);
        assertThat(panel("Load by customer class")).hasSize(8 * 15);
        assertThat(panel("Selected transformers"))
                .hasSize(8)
                .allSatisfy(r -> assertThat(r.get("id")).isEqualTo("T1"));
        assertThat(panel("Completeness by feeder"))
                .filteredOn(r -> asLong(r.get("meters estimated")) > 0)
                .singleElement()
                .satisfies(r -> assertThat(asLong(r.get("meters reporting"))).isEqualTo(18));
        assertThat(panel("Daily peak and valley")).singleElement().satisfies(r -> {
            assertThat(asDouble(r.get("peak"))).isEqualTo(107.0);
            assertThat(asDouble(r.get("valley"))).isEqualTo(100.0);
        });
        assertThat(panel("Daily load factor")).hasSize(2);
        // A bar per class: its energy in each period, summed over the range's days (one day here).
        assertThat(panel("Energy per time-of-use period by class"))
                .extracting(r -> r.get("id") + " " + asDouble(r.get("peak")) + " " + asDouble(r.get("flat")) + " "
                        + asDouble(r.get("valley")))
                .containsExactlyInAnyOrder("industrial 800.0 700.0 420.0", "residential 800.0 700.0 420.0");
        assertThat(panel("Late readings")).anySatisfy(r -> {
            assertThat(asLong(r.get("late for 15 min"))).isEqualTo(3);
            assertThat(asLong(r.get("late for 1 min"))).isEqualTo(11);
        });
    }
}

package io.kilowatch.dashboards;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a stock Grafana (10.x/11.x) needs of the files to pick them up unchanged, and what a reader
 * needs of every panel: a stable uid per dashboard, the provisioned datasource, a unit on every
 * panel, a time range and a refresh, template variables that only use variables defined before
 * them (the chain region → feeder → transformer → customer), and a datasource whose address,
 * database and credentials come from the environment.
 */
class DashboardFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\$(\\w+)");

    private static List<Path> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("grafana"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void everyDashboardHasAStableUidTheProvisionedDatasourceAndAUnitOnEveryPanel() throws IOException {
        List<String> uids = new ArrayList<>();
        for (Path f : dashboards()) {
            JsonNode d = JSON.readTree(f.toFile());
            assertThat(d.path("uid").asText()).as("%s uid", f).startsWith("kilowatch-");
            uids.add(d.path("uid").asText());
            assertThat(d.path("time").path("from").asText())
                    .as("%s time range", f)
                    .isNotEmpty();
            assertThat(d.path("refresh").asText()).as("%s refresh", f).isNotEmpty();
            for (JsonNode p : d.path("panels")) {
                String title = p.path("title").asText();
                assertThat(p.path("datasource").path("uid").asText())
                        .as("%s: %s datasource", f, title)
                        .isEqualTo("kilowatch-influxdb");
                assertThat(p.path("fieldConfig").path("defaults").path("unit").asText())
                        .as("%s: %s unit", f, title)
                        .isNotEmpty()
                        .isNotEqualTo("None");
                assertThat(p.path("targets")).as("%s: %s queries", f, title).isNotEmpty();
            }
        }
        assertThat(uids)
                .doesNotHaveDuplicates()
                .contains("kilowatch-customer", "kilowatch-grid-load", "kilowatch-alerts", "kilowatch-load-curves");
    }

    @Test
    void templateVariablesUseOnlyThoseBeforeThemAndChainRegionFeederTransformerCustomer() throws IOException {
        for (Path f : dashboards()) {
            JsonNode d = JSON.readTree(f.toFile());
            List<String> defined = new ArrayList<>(List.of("timeFilter", "__interval"));
            for (JsonNode v : d.path("templating").path("list")) {
                Matcher m = VARIABLE.matcher(v.path("query").asText());
                while (m.find()) {
                    assertThat(defined)
                            .as("%s: variable %s uses $%s", f, v.path("name").asText(), m.group(1))
                            .contains(m.group(1));
                }
                defined.add(v.path("name").asText());
            }
            for (JsonNode p : d.path("panels")) {
                for (JsonNode t : p.path("targets")) {
                    Matcher m = VARIABLE.matcher(
                            t.path("query").asText() + " " + p.path("title").asText());
                    while (m.find()) {
                        assertThat(defined)
                                .as("%s: panel %s uses $%s", f, p.path("title").asText(), m.group(1))
                                .contains(m.group(1));
                    }
                }
            }
        }
        JsonNode customer = JSON.readTree(Path.of("grafana/customer.json").toFile());
        List<String> names = new ArrayList<>();
        customer.path("templating")
                .path("list")
                .forEach(v -> names.add(v.path("name").asText()));
        assertThat(names).containsSubsequence("region", "feeder", "transformer", "customer");
    }

    @Test
    void theDatasourceTakesItsAddressDatabaseAndCredentialsFromTheEnvironment() throws IOException {
        String ds = Files.readString(Path.of("provisioning/datasources/kilowatch.yml"));
        assertThat(ds)
                .contains(
                        "uid: kilowatch-influxdb",
                        "url: ${KW_INFLUX_URL}",
                        "dbName: ${KW_INFLUX_DATABASE}",
                        "user: ${KW_INFLUX_USERNAME}",
                        "password: ${KW_INFLUX_PASSWORD}");
        assertThat(Files.readString(Path.of("provisioning/dashboards/kilowatch.yml")))
                .contains("path: /etc/grafana/dashboards/kilowatch");
    }

    /**
     * What a reader sees of a chart: every series named in words (an {@code AS} name, an alias that
     * names it whole, or a rename), never a raw field such as {@code kw_avg}; and one colour per
     * name across the dashboards (a class, a time-of-use period is the same colour everywhere).
     */
    @Test
    void chartsNameTheirSeriesInWordsAndANameHasOneColourEverywhere() throws IOException {
        Map<String, String> colours = new HashMap<>();
        for (Path f : dashboards()) {
            for (JsonNode p : JSON.readTree(f.toFile()).path("panels")) {
                String title = p.path("title").asText();
                boolean chart = p.path("type").asText().equals("timeseries")
                        || p.path("type").asText().equals("barchart");
                boolean renamed = false;
                for (JsonNode t : p.path("transformations")) {
                    renamed |= t.path("id").asText().equals("renameByRegex");
                }
                for (JsonNode t : p.path("targets")) {
                    String alias = t.path("alias").asText();
                    if (!chart || renamed || (!alias.isEmpty() && !alias.contains("$col"))) {
                        continue;
                    }
                    for (String item : selectList(t.path("query").asText())) {
                        assertThat(item)
                                .as("%s: %s selects %s without naming it", f.getFileName(), title, item)
                                .contains(" AS \"");
                    }
                }
                for (JsonNode o : p.path("fieldConfig").path("overrides")) {
                    for (JsonNode prop : o.path("properties")) {
                        if (prop.path("id").asText().equals("color")) {
                            String name = o.path("matcher").path("options").asText();
                            String colour =
                                    prop.path("value").path("fixedColor").asText();
                            assertThat(colours.putIfAbsent(name, colour))
                                    .as("%s: %s colours %s", f.getFileName(), title, name)
                                    .isIn(null, colour);
                        }
                    }
                }
            }
        }
        assertThat(colours).containsKeys("valley", "peak", "flat", "^residential\\b", "^commercial\\b");
    }

    /** The items of a query's outermost SELECT list (commas inside parentheses belong to their function). */
    private static List<String> selectList(String query) {
        String list = query.substring("SELECT ".length(), query.indexOf(" FROM "));
        List<String> items = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < list.length(); i++) {
            char c = list.charAt(i);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            if (c == ',' && depth == 0) {
                items.add(list.substring(start, i).strip());
                start = i + 1;
            }
        }
        items.add(list.substring(start).strip());
        return items;
    }
}

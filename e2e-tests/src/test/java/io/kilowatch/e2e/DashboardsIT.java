package io.kilowatch.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kilowatch.flink.JobConfig;
import io.kilowatch.flink.testing.TestFlink;
import io.kilowatch.ingest.IngestConfig;
import io.kilowatch.ingest.RegistryLoader;
import io.kilowatch.ingest.TariffLoader;
import io.kilowatch.model.Reading;
import io.kilowatch.model.ReadingCodec;
import io.kilowatch.model.RegistryCsv;
import io.kilowatch.model.Topics;
import io.kilowatch.model.tariff.TariffCatalogue;
import io.kilowatch.model.testing.InfluxQuery;
import io.kilowatch.model.testing.TestKafka;
import io.kilowatch.model.testing.TestStack;
import io.kilowatch.sim.ImportCommand;
import io.kilowatch.sim.SimulatorMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every query of every dashboard proven (issue #16): nine days of a small fleet ending now, with
 * an outage still on, a customer over its contract at the end, a tamper, peak-heavy use and a few
 * lost and late readings (and, imported as history before them, one customer's same months a
 * year before), through the simulator, Mosquitto, the bridge and Kafka, the load-curve
 * job with its alert and tariff stages, into a fresh InfluxDB database. Then, for each file of
 * dashboards/grafana, each template variable is read as Grafana would (its query, with the
 * variables before it substituted by what they returned), and every query of every panel runs
 * with them: each must return data — a panel that names a measurement, field or tag nobody writes
 * fails here. Chosen panels are checked for their values.
 */
class DashboardsIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = TestFlink.cluster();

    private static final TestStack STACK = TestStack.fromEnvironment();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyPanelOfEveryDashboardReturnsDataFromAWholeRun(@TempDir Path dir) throws Exception {
        String p = TestStack.uniquePrefix("dash");
        String m = p + "-M";
        TestKafka kafka = new TestKafka(STACK);
        String registryTopic = kafka.createTopic("test." + p + ".registry", 1, true);
        String tariffsTopic = kafka.createTopic("test." + p + ".tariffs", 1, true);
        String hintsTopic = kafka.createTopic("test." + p + ".hints", 2, false);
        String alertsTopic = kafka.createTopic("test." + p + ".alerts", 2, false);
        String db = "dash_" + p.replace('-', '_');
        InfluxQuery influx = InfluxQuery.scratch(STACK.influxUrl(), db);
        try {
            Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
            Instant start = end.minus(Duration.ofDays(9));
            String household = m + "00001"; // residential on zj-res-tier-tou (seed 42)
            Path scenario = dir.resolve("scenario.csv");
            Files.write(
                    scenario,
                    List.of(
                            "type,subject,start,duration,factor",
                            "peak_heavy," + household + ",+0h,216h,2",
                            "over_capacity," + household + ",+212h,6h,1.4", // still over at the end: an open alert
                            "outage,R01-F01-T002,+214h,4h", // still dark at the end: an open incident
                            "register_backwards," + m + "00005,+100h,1h"));
            Path registry = dir.resolve("registry.csv");
            Path record = dir.resolve("published.jsonl");
            Map<TopicPartition, Long> from = KafkaTopics.endOffsets(STACK, Topics.READINGS);
            // Last year's months under the nine days, for one customer, imported as history before the live readings:
            // the insight's growth on the same month a year before.
            String lastYear = m + "00002";
            Path history = dir.resolve("last-year.csv");
            Files.write(history, sameMonthsAYearBefore(lastYear, start, end));
            assertThat(SimulatorMain.commandLine(new ImportCommand())
                            .execute("--format", "csv", "--kafka", STACK.kafkaBootstrap(), history.toString()))
                    .isZero();
            // The bridge writes its counters (pipeline measurement) every second: the pipeline dashboard's.
            // A consumer group that committed the readings' end now and
            // reads nothing: its lag grows by every reading forwarded.
            String lagProbe = p + "-lag-probe";
            kafka.commit(lagProbe, KafkaTopics.endOffsets(STACK, Topics.READINGS));
            IngestConfig bridge = IngestConfig.load(
                    null,
                    STACK.bridgeEnvironment(
                            p + "-ingest",
                            "KW_INGEST_MAX_AGE",
                            "0s",
                            "KW_INFLUX_URL",
                            STACK.influxUrl(),
                            "KW_INFLUX_DATABASE",
                            db,
                            "KW_PIPELINE_EVERY",
                            "1s",
                            "KW_PIPELINE_LAG_GROUPS",
                            lagProbe));
            Pipeline.publishThroughBridge(
                    STACK,
                    bridge,
                    record,
                    "--meters",
                    "20",
                    "--meter-prefix",
                    m,
                    "--meters-per-transformer",
                    "10",
                    "--start",
                    start.toString(),
                    "--duration",
                    "PT216H",
                    "--drop-rate",
                    "0.005",
                    "--scenario",
                    scenario.toString(),
                    "--registry",
                    registry.toString());
            lateReading(m + "00003", start.plus(Duration.ofHours(1)).toEpochMilli());
            IngestConfig loaders = IngestConfig.load(
                    null,
                    STACK.bridgeEnvironment(
                            p + "-loader",
                            "KW_KAFKA_TOPIC_REGISTRY",
                            registryTopic,
                            "KW_KAFKA_TOPIC_TARIFFS",
                            tariffsTopic));
            RegistryLoader.load(loaders, RegistryCsv.parse(Files.readAllLines(registry)), List.of());
            TariffLoader.load(loaders, TariffCatalogue.sample(), List.of());
            runWholeJob(from, registryTopic, tariffsTopic, hintsTopic, alertsTopic, db, household);

            Map<String, String> chosen = Map.of("customer", "C" + household);
            int queries = 0;
            try (Stream<Path> files = Files.list(Path.of("../dashboards/grafana"))) {
                for (Path f : files.filter(x -> x.toString().endsWith(".json"))
                        .sorted()
                        .toList()) {
                    JsonNode d = JSON.readTree(f.toFile());
                    Map<String, List<String>> vars = variables(influx, d, chosen);
                    for (JsonNode panel : d.path("panels")) {
                        for (JsonNode t : panel.path("targets")) {
                            // To an hour past now: pipeline counts (kw.late) are stamped with processing time.
                            String q = render(
                                    t.path("query").asText(),
                                    vars,
                                    start.toEpochMilli(),
                                    System.currentTimeMillis() + 3_600_000L,
                                    f.getFileName().toString().equals("pipeline.json") ? "2s" : "15m");
                            assertThat(influx.rows(q))
                                    .as(
                                            "%s: %s (%s): %s",
                                            f.getFileName(),
                                            panel.path("title").asText(),
                                            t.path("refId").asText(),
                                            q)
                                    .isNotEmpty();
                            assertWritten(
                                    influx,
                                    q,
                                    f.getFileName() + ": " + panel.path("title").asText());
                            queries++;
                        }
                    }
                }
            }
            assertThat(queries)
                    .as(
                            "every panel query of the six dashboards: alerts 7, customer 12, grid load 8, insight 7, load curves 4, "
                                    + "pipeline 10")
                    .isEqualTo(48);
            // A customer's growth is its last four days' energy against the four before, from its daily KPIs.
            Map<String, Object> latest = influx.rows(
                            "SELECT last(\"growth\") AS g, last(\"kwh\") AS k, last(\"kwh_before\") AS b FROM \"insight\" "
                                    + "WHERE \"id\" = '" + household + "'")
                    .get(0);
            assertThat(InfluxQuery.asDouble(latest.get("g")))
                    .isCloseTo(
                            InfluxQuery.asDouble(latest.get("k")) / InfluxQuery.asDouble(latest.get("b")) - 1,
                            within(1e-9));
            List<Map<String, Object>> kpiDays =
                    influx.rows("SELECT \"kwh\" FROM \"daily_kpi\" WHERE \"level\" = 'meter' AND \"id\" = '" + household
                            + "' ORDER BY time DESC LIMIT 8");
            assertThat(InfluxQuery.asDouble(latest.get("k")))
                    .as("the last four days of daily_kpi")
                    .isCloseTo(
                            kpiDays.subList(0, 4).stream()
                                    .mapToDouble(r -> InfluxQuery.asDouble(r.get("kwh")))
                                    .sum(),
                            within(1e-6));

            // Growth on a year before: this month's energy a day against
            // the same month's last year, from both years' daily KPIs.
            Map<String, Object> onYear = influx.rows(
                            "SELECT last(\"growth_on_year\") AS g FROM \"insight\" WHERE \"id\" = '" + lastYear + "'")
                    .get(0);
            long day = InfluxQuery.asLong(onYear.get("time"));
            java.time.YearMonth month =
                    java.time.YearMonth.from(Instant.ofEpochMilli(day).atZone(ZONE));
            double now = meanDailyKwh(
                    influx,
                    lastYear,
                    month.atDay(1).atStartOfDay(ZONE).toInstant().toEpochMilli(),
                    day + 1);
            double then = meanDailyKwh(
                    influx,
                    lastYear,
                    month.minusYears(1).atDay(1).atStartOfDay(ZONE).toInstant().toEpochMilli(),
                    month.minusYears(1)
                            .plusMonths(1)
                            .atDay(1)
                            .atStartOfDay(ZONE)
                            .toInstant()
                            .toEpochMilli());
            assertThat(InfluxQuery.asDouble(onYear.get("g")))
                    .as("growth on %s a year before", month)
                    .isCloseTo(now / then - 1, within(1e-9));
            // Today over yesterday: the curve a day before, drawn at today's times, is the load of a day before.
            Map<Long, Double> load = series(
                    influx,
                    "SELECT sum(\"kw_avg\") AS v FROM \"load\" WHERE \"id\" = '" + household
                            + "' AND \"interval\" = '15m' AND time >= " + start.toEpochMilli()
                            + "ms GROUP BY time(15m) fill(none)");
            Map<Long, Double> dayBefore = series(
                    influx,
                    "SELECT sum(\"kw_avg\") AS v FROM \"load_compare\" WHERE \"id\" = '" + household
                            + "' AND \"shift\" = '1d' AND time >= " + start.toEpochMilli() + "ms AND time < "
                            + end.toEpochMilli() + "ms GROUP BY time(15m) fill(none)");
            assertThat(dayBefore).hasSizeGreaterThan(7 * 96);
            dayBefore.forEach((t, kw) -> assertThat(kw)
                    .as("the day before, at %s", Instant.ofEpochMilli(t))
                    .isEqualTo(load.get(t - 86_400_000L)));

            // Chosen values: the customer's time-of-use split adds
            // up to its month's energy under each plan with periods;
            // its open alerts are the over-capacity still on; the area incident names every dark meter.
            for (Map<String, Object> row :
                    influx.rows("SELECT last(\"kwh_critical\") AS c, last(\"kwh_peak\") AS p, last(\"kwh_flat\") AS f, "
                            + "last(\"kwh_valley\") AS v, last(\"kwh\") AS k FROM \"bills\" WHERE \"customer\" = 'C"
                            + household
                            + "' AND \"plan\" = 'zj-res-tier-tou' GROUP BY \"month\"")) {
                double split = Stream.of("c", "p", "f", "v")
                        .mapToDouble(k -> row.get(k) == null ? 0 : InfluxQuery.asDouble(row.get(k)))
                        .sum();
                assertThat(split)
                        .as("time-of-use split of %s", row.get("month"))
                        .isCloseTo(InfluxQuery.asDouble(row.get("k")), within(0.01));
            }
            List<String> openOfCustomer = influx
                    .rows(render(
                            panelQuery("customer", "Open alerts"),
                            Map.of("customer", List.of("C" + household)),
                            start.toEpochMilli(),
                            end.toEpochMilli()))
                    .stream()
                    .filter(r -> "OPEN".equals(r.get("state")))
                    .map(r -> (String) r.get("type"))
                    .toList();
            assertThat(openOfCustomer).containsExactly("over_capacity");
            List<Map<String, Object>> incidents = influx
                    .rows(render(
                            panelQuery("alerts", "Open incidents"), Map.of(), start.toEpochMilli(), end.toEpochMilli()))
                    .stream()
                    .filter(r -> "OPEN".equals(r.get("state")))
                    .toList();
            // The pipeline's reconciliation: what the bridge received it forwarded,
            // and the job counted the late reading.
            Map<String, Object> totals = influx.rows(render(
                            panelQuery("pipeline", "Reconciliation"),
                            Map.of(),
                            start.toEpochMilli(),
                            System.currentTimeMillis() + 3_600_000L))
                    .get(0);
            assertThat(InfluxQuery.asLong(totals.get("forwarded")))
                    .isEqualTo(Files.lines(record).count());
            assertThat(InfluxQuery.asLong(totals.get("dead-lettered"))).isZero();
            // Consumer lag: the probe group is behind by exactly what the bridge forwarded (its last report, on close).
            List<Map<String, Object>> lag = influx.rows(render(
                    panelQuery("pipeline", "Consumer lag"),
                    Map.of(),
                    start.toEpochMilli(),
                    System.currentTimeMillis() + 3_600_000L,
                    "1h"));
            assertThat(lag)
                    .filteredOn(r -> lagProbe.equals(r.get("group")) && Topics.READINGS.equals(r.get("topic")))
                    .extracting(r -> InfluxQuery.asLong(r.get("lag")))
                    .last()
                    .isEqualTo(Files.lines(record).count());
            assertThat(incidents).singleElement().satisfies(r -> {
                assertThat(r.get("alert_id").toString()).startsWith("R01-F01-T002/area_outage/");
                assertThat(InfluxQuery.asLong(r.get("members")))
                        .as("ten customers and the area meter")
                        .isEqualTo(11);
            });
            previewDrawsEveryPanel(db, "C" + household);
        } finally {
            influx.close();
        }
    }

    /**
     * The preview page (dashboards/, PreviewServer) in headless Chromium: every panel of every
     * dashboard drew data from the same database, choosing another customer changes the customer
     * dashboard's data, and the proxy refuses a write. Screenshots in target/preview.
     */
    private static void previewDrawsEveryPanel(String db, String customer) throws Exception {
        // The preview reads as the dashboards' read-only account, which may read this database and
        // nothing else, and may not write even here.
        var admin = new io.kilowatch.model.testing.InfluxQuery(STACK.influxUrl(), db);
        admin.execute("GRANT READ ON \"" + db + "\" TO \"kw-viewer\"");
        var viewer = new io.kilowatch.model.testing.InfluxQuery(STACK.influxUrl(), db, TestStack.influxViewer());
        assertThat(viewer.rows("SHOW MEASUREMENTS")).isNotEmpty();
        assertThatThrownBy(() -> viewer.write("intruder v=1 1"))
                .as("the viewer account writing")
                .hasMessageContaining("403");
        try (io.kilowatch.dashboards.PreviewServer preview = new io.kilowatch.dashboards.PreviewServer(
                STACK.influxUrl(), db, TestStack.influxViewer(), 0, Path.of("../dashboards/grafana"))) {
            preview.start();
            var refused = java.net.http.HttpClient.newHttpClient()
                    .send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(preview.url() + "api/query?q="
                                            + java.net.URLEncoder.encode(
                                                    "DROP DATABASE \"" + db + "\"", StandardCharsets.UTF_8)))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode())
                    .as("a write through the preview's proxy")
                    .isEqualTo(403);
            System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
            org.openqa.selenium.chrome.ChromeOptions options = new org.openqa.selenium.chrome.ChromeOptions();
            options.setBinary("/usr/bin/chromium");
            options.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--window-size=1600,1400");
            org.openqa.selenium.WebDriver driver = new org.openqa.selenium.chrome.ChromeDriver(options);
            try {
                Path shots = Path.of("target/preview");
                Files.createDirectories(shots);
                List<String> uids = new ArrayList<>();
                try (Stream<Path> files = Files.list(Path.of("../dashboards/grafana"))) {
                    for (Path f : files.filter(x -> x.toString().endsWith(".json"))
                            .sorted()
                            .toList()) {
                        uids.add(JSON.readTree(f.toFile()).path("uid").asText());
                    }
                }
                for (String uid : uids) {
                    // The bridge wrote its counters for a minute: the pipeline's rates need buckets of seconds to show.
                    String view = uid.equals("kilowatch-pipeline") ? "&range=now-6h&interval=2s" : "&range=now-30d";
                    open(driver, preview.url() + "#" + uid + view + "&refresh=0&var-customer=" + customer);
                    List<org.openqa.selenium.WebElement> panels =
                            driver.findElements(org.openqa.selenium.By.cssSelector(".panel"));
                    assertThat(panels).as(uid).isNotEmpty();
                    for (org.openqa.selenium.WebElement panel : panels) {
                        assertThat(panel.getDomAttribute("data-state"))
                                .as(
                                        "%s: %s (%s)",
                                        uid,
                                        panel.findElement(org.openqa.selenium.By.tagName("h2"))
                                                .getText(),
                                        panel.getText())
                                .isEqualTo("drawn");
                    }
                    Files.write(
                            shots.resolve(uid + ".png"),
                            ((org.openqa.selenium.TakesScreenshot) driver)
                                    .getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
                }
                open(driver, preview.url() + "#kilowatch-customer&range=now-30d&refresh=0&var-customer=" + customer);
                String before = driver.findElement(org.openqa.selenium.By.cssSelector(".panel[data-id='1']"))
                        .getDomAttribute("data-sum");
                org.openqa.selenium.support.ui.Select select = new org.openqa.selenium.support.ui.Select(
                        driver.findElement(org.openqa.selenium.By.id("var-customer")));
                String other = select.getOptions().stream()
                        .map(o -> o.getDomAttribute("value"))
                        .filter(v -> !v.equals(customer))
                        .findFirst()
                        .orElseThrow();
                select.selectByValue(other);
                waitDrawn(driver, 2);
                String after = driver.findElement(org.openqa.selenium.By.cssSelector(".panel[data-id='1']"))
                        .getDomAttribute("data-sum");
                assertThat(after)
                        .as("the load of %s against %s", other, customer)
                        .isNotEqualTo(before);
            } finally {
                driver.quit();
            }
        }
    }

    private static void open(org.openqa.selenium.WebDriver driver, String url) {
        driver.get("about:blank");
        driver.get(url);
        waitDrawn(driver, 1);
    }

    /** Until the page has drawn every panel {@code times} times since it loaded. */
    private static void waitDrawn(org.openqa.selenium.WebDriver driver, int times) {
        new org.openqa.selenium.support.ui.WebDriverWait(driver, Duration.ofSeconds(60)).until(d -> {
            String n = d.findElement(org.openqa.selenium.By.tagName("body")).getDomAttribute("data-drawn");
            return n != null && Integer.parseInt(n) >= times;
        });
    }

    private static final java.util.regex.Pattern QUOTED = java.util.regex.Pattern.compile("\"([^\"]+)\"");
    private static final java.util.regex.Pattern ALIAS = java.util.regex.Pattern.compile("(?i)\\bAS\\s+\"([^\"]+)\"");
    private static final java.util.regex.Pattern FROM = java.util.regex.Pattern.compile("(?i)\\bFROM\\s+\"([^\"]+)\"");

    /**
     * Every field and tag a query names is one the run wrote: a panel naming something nobody
     * writes would show an empty column, not fail, so this looks at the names themselves (the
     * measurements' field and tag keys; names after AS are the query's own).
     */
    private static void assertWritten(InfluxQuery influx, String q, String what) throws Exception {
        java.util.Set<String> aliases = new java.util.HashSet<>();
        ALIAS.matcher(q).results().forEach(r -> aliases.add(r.group(1)));
        java.util.Set<String> measurements = new java.util.HashSet<>();
        FROM.matcher(q).results().forEach(r -> measurements.add(r.group(1)));
        java.util.Set<String> known = new java.util.HashSet<>(aliases);
        known.addAll(measurements);
        for (String m : measurements) {
            influx.rows("SHOW FIELD KEYS FROM \"" + m + "\"")
                    .forEach(r -> known.add(String.valueOf(r.get("fieldKey"))));
            influx.rows("SHOW TAG KEYS FROM \"" + m + "\"").forEach(r -> known.add(String.valueOf(r.get("tagKey"))));
        }
        QUOTED.matcher(q)
                .results()
                .map(r -> r.group(1))
                .forEach(name -> assertThat(known)
                        .as("%s names \"%s\", which nothing wrote: %s", what, name, q)
                        .contains(name));
    }

    /** Each template variable's values, its query run with those before it: all of a multi-value one, one of the others. */
    private static Map<String, List<String>> variables(
            InfluxQuery influx, JsonNode dashboard, Map<String, String> chosen) throws Exception {
        Map<String, List<String>> vars = new LinkedHashMap<>();
        for (JsonNode v : dashboard.path("templating").path("list")) {
            String name = v.path("name").asText();
            List<String> values = new ArrayList<>();
            for (Map<String, Object> row : influx.rows(render(v.path("query").asText(), vars, 0, 0))) {
                values.add(String.valueOf(row.get("value")));
            }
            assertThat(values)
                    .as("values of $%s in %s", name, dashboard.path("uid").asText())
                    .isNotEmpty();
            if (chosen.containsKey(name)) {
                assertThat(values).contains(chosen.get(name));
                values = List.of(chosen.get(name));
            } else if (!v.path("multi").asBoolean()) {
                values = List.of(values.get(0));
            }
            vars.put(name, values);
        }
        return vars;
    }

    /** A query as Grafana sends it: variables in regexes as alternations, in quotes as the one value; its time range and interval. */
    static String render(String query, Map<String, List<String>> vars, long fromMs, long toMs) {
        return render(query, vars, fromMs, toMs, "15m");
    }

    /** @param interval what Grafana's $__interval is for the range and width: seconds for the pipeline's minutes of counters */
    static String render(String query, Map<String, List<String>> vars, long fromMs, long toMs, String interval) {
        String q = query.replace("$timeFilter", "time >= " + fromMs + "ms and time <= " + toMs + "ms")
                .replace("$__interval", interval);
        for (Map.Entry<String, List<String>> v : vars.entrySet()) {
            q = q.replace("/^$" + v.getKey() + "$/", "/^(" + String.join("|", v.getValue()) + ")$/");
            q = q.replace("'$" + v.getKey() + "'", "'" + v.getValue().get(0) + "'");
        }
        return q;
    }

    private static String panelQuery(String dashboard, String title) throws Exception {
        JsonNode d = JSON.readTree(
                Path.of("../dashboards/grafana/" + dashboard + ".json").toFile());
        for (JsonNode panel : d.path("panels")) {
            if (panel.path("title").asText().startsWith(title)) {
                return panel.path("targets").path(0).path("query").asText();
            }
        }
        throw new AssertionError("no panel " + title + " in " + dashboard);
    }

    private static final java.time.ZoneId ZONE = java.time.ZoneId.of("Asia/Shanghai");

    /**
     * A plain CSV of one meter's readings every 15 minutes through the whole of each month (of kpi.zone)
     * that the live days touch, a year before: 12 kW plus 0.05 kW for each day of the month (the meter, a shop
     * of the fleet, draws about 13 kW on average now).
     */
    private static List<String> sameMonthsAYearBefore(String meter, Instant start, Instant end) {
        List<String> rows = new ArrayList<>(List.of("meterId,ts,kw"));
        for (java.time.YearMonth ym =
                        java.time.YearMonth.from(start.atZone(ZONE)).minusYears(1);
                !ym.isAfter(java.time.YearMonth.from(end.atZone(ZONE)).minusYears(1));
                ym = ym.plusMonths(1)) {
            long to = ym.plusMonths(1).atDay(1).atStartOfDay(ZONE).toInstant().toEpochMilli();
            for (long t = ym.atDay(1).atStartOfDay(ZONE).toInstant().toEpochMilli(); t < to; t += 900_000L) {
                rows.add(meter + "," + t + ","
                        + (12 + 0.05 * Instant.ofEpochMilli(t).atZone(ZONE).getDayOfMonth()));
            }
        }
        return rows;
    }

    private static double meanDailyKwh(InfluxQuery influx, String meter, long fromMs, long toMs) throws Exception {
        return influx
                .rows("SELECT \"kwh\" FROM \"daily_kpi\" WHERE \"level\" = 'meter' AND \"id\" = '" + meter
                        + "' AND time >= " + fromMs + "ms AND time < " + toMs + "ms")
                .stream()
                .mapToDouble(r -> InfluxQuery.asDouble(r.get("kwh")))
                .average()
                .orElseThrow();
    }

    private static Map<Long, Double> series(InfluxQuery influx, String q) throws Exception {
        Map<Long, Double> out = new LinkedHashMap<>();
        influx.rows(q).forEach(r -> out.put(InfluxQuery.asLong(r.get("time")), InfluxQuery.asDouble(r.get("v"))));
        return out;
    }

    /** A reading two hours behind everything else, straight into kw.readings: too late for its interval (kw.late). */
    private static void lateReading(String meter, long ts) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new TestKafka(STACK).producer()) {
            Reading r = Reading.of(meter, ts, 1.0);
            producer.send(new ProducerRecord<>(
                            Topics.READINGS, meter.getBytes(StandardCharsets.UTF_8), new ReadingCodec().encode(r)))
                    .get();
        }
    }

    private static void runWholeJob(
            Map<TopicPartition, Long> from,
            String registryTopic,
            String tariffsTopic,
            String hintsTopic,
            String alertsTopic,
            String db,
            String keepMinutesOf)
            throws Exception {
        // A household's 1-minute points are kept when asked for (by default industrial meters' only): the customer
        // dashboard shows them. Growth over four days against the four before: nine days show it (28 by default).
        JobConfig config = Pipeline.boundedJob(
                STACK,
                db,
                "KW_KAFKA_TOPIC_REGISTRY",
                registryTopic,
                "KW_KAFKA_TOPIC_TARIFFS",
                tariffsTopic,
                "KW_KAFKA_TOPIC_HINTS",
                hintsTopic,
                "KW_KAFKA_TOPIC_ALERTS",
                alertsTopic,
                "KW_CURVES_METER_1M_IDS",
                keepMinutesOf,
                "KW_INSIGHT_WINDOW",
                "4d");
        Pipeline.runProductionJob(STACK, from, config, true);
    }
}

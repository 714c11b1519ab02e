package io.kilowatch.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A live preview of the dashboards for people without Grafana: serves a page that reads the same
 * dashboard JSON files (dashboards/grafana) and draws their panels from the real InfluxDB with
 * uPlot (the library Grafana draws time series with), and a proxy that passes on read queries
 * only ({@link #isReadOnly}) to the configured database. Loopback only.
 *
 * <p>Environment: {@code KW_INFLUX_URL} (http://127.0.0.1:8086), {@code KW_INFLUX_DATABASE}
 * (kilowatch), {@code KW_PREVIEW_PORT} (3001; 0 = any free port), {@code KW_DASHBOARDS_DIR}
 * (dashboards/grafana).
 */
public final class PreviewServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
    /** One statement, SELECT or SHOW, and no SELECT … INTO (which writes). */
    private static final Pattern READ =
            Pattern.compile("^\\s*(SELECT|SHOW)\\b[^;]*;?\\s*$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private static final Pattern INTO = Pattern.compile("\\bINTO\\b", Pattern.CASE_INSENSITIVE);

    private final HttpServer http;
    private final HttpClient influx =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String influxUrl;
    private final String database;
    private final io.kilowatch.model.InfluxLogin login;
    private final Path dashboards;

    /** @param login the account queries go out as (a read-only one will do); the browser never sees it */
    public PreviewServer(
            String influxUrl, String database, io.kilowatch.model.InfluxLogin login, int port, Path dashboards)
            throws IOException {
        this.login = login;
        this.influxUrl = influxUrl.endsWith("/") ? influxUrl.substring(0, influxUrl.length() - 1) : influxUrl;
        this.database = database;
        this.dashboards = dashboards;
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        http.setExecutor(Executors.newFixedThreadPool(4));
        http.createContext("/", this::page);
        http.createContext("/api/dashboards", this::list);
        http.createContext("/api/dashboard/", this::dashboard);
        http.createContext("/api/query", this::query);
        http.createContext("/uplot/", this::uplot);
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        PreviewServer s = new PreviewServer(
                env.getOrDefault("KW_INFLUX_URL", "http://127.0.0.1:8086"),
                env.getOrDefault("KW_INFLUX_DATABASE", "kilowatch"),
                io.kilowatch.model.InfluxLogin.fromEnvironment(env),
                Integer.parseInt(env.getOrDefault("KW_PREVIEW_PORT", "3001")),
                Path.of(env.getOrDefault("KW_DASHBOARDS_DIR", "dashboards/grafana")));
        s.start();
        System.err.println(
                "[preview] dashboards on " + s.url() + " (InfluxDB " + s.influxUrl + ", database " + s.database + ")");
        Runtime.getRuntime().addShutdownHook(new Thread(s::close));
        Thread.currentThread().join();
    }

    public void start() {
        http.start();
    }

    public String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/";
    }

    /** Whether a query only reads: one SELECT (not SELECT … INTO) or SHOW statement. */
    static boolean isReadOnly(String q) {
        return q != null
                && READ.matcher(q).matches()
                && !(q.strip().toUpperCase(Locale.ROOT).startsWith("SELECT")
                        && INTO.matcher(q).find());
    }

    private void page(HttpExchange x) throws IOException {
        String p = x.getRequestURI().getPath();
        String file = p.equals("/") ? "index.html" : p.substring(1);
        if (!file.matches("[a-z]+\\.(html|js|css)")) {
            send(x, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = PreviewServer.class.getResourceAsStream("/preview/" + file)) {
            if (in == null) {
                send(x, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(x, 200, type(file), in.readAllBytes());
        }
    }

    private void uplot(HttpExchange x) throws IOException {
        String file = x.getRequestURI().getPath().substring("/uplot/".length());
        if (!file.equals("uPlot.iife.min.js") && !file.equals("uPlot.min.css")) {
            send(x, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            return;
        }
        try (InputStream in = PreviewServer.class.getClassLoader().getResourceAsStream(UPLOT + file)) {
            send(x, 200, type(file), in.readAllBytes());
        }
    }

    private void list(HttpExchange x) throws IOException {
        ArrayNode out = JSON.createArrayNode();
        for (Path f : files()) {
            JsonNode d = JSON.readTree(f.toFile());
            out.addObject()
                    .put("uid", d.path("uid").asText())
                    .put("title", d.path("title").asText());
        }
        send(x, 200, "application/json", JSON.writeValueAsBytes(out));
    }

    private void dashboard(HttpExchange x) throws IOException {
        String uid = x.getRequestURI().getPath().substring("/api/dashboard/".length());
        for (Path f : files()) {
            JsonNode d = JSON.readTree(f.toFile());
            if (d.path("uid").asText().equals(uid)) {
                send(x, 200, "application/json", JSON.writeValueAsBytes(d));
                return;
            }
        }
        send(x, 404, "text/plain", ("no dashboard " + uid).getBytes(StandardCharsets.UTF_8));
    }

    private void query(HttpExchange x) throws IOException {
        String q = param(x.getRequestURI(), "q");
        if (!isReadOnly(q)) {
            send(
                    x,
                    403,
                    "application/json",
                    "{\"error\":\"only one SELECT or SHOW statement is passed on\"}".getBytes(StandardCharsets.UTF_8));
            return;
        }
        URI target = URI.create(influxUrl + "/query?epoch=ms&db=" + URLEncoder.encode(database, StandardCharsets.UTF_8)
                + "&q=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
        try {
            HttpResponse<byte[]> r = influx.send(
                    login.apply(HttpRequest.newBuilder(target))
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            send(x, r.statusCode(), "application/json", r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(x, 503, "text/plain", "interrupted".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            send(x, 502, "application/json", JSON.writeValueAsBytes(Map.of("error", "InfluxDB: " + e)));
        }
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dashboards)) {
            return s.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    private static String param(URI uri, String name) {
        String raw = uri.getRawQuery();
        if (raw == null) {
            return null;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && kv.substring(0, eq).equals(name)) {
                return URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static String type(String file) {
        return file.endsWith(".html")
                ? "text/html; charset=utf-8"
                : file.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8";
    }

    private static void send(HttpExchange x, int status, String type, byte[] body) throws IOException {
        x.getResponseHeaders().set("Content-Type", type);
        x.getResponseHeaders().set("Cache-Control", "no-store");
        x.sendResponseHeaders(status, body.length);
        x.getResponseBody().write(body);
        x.close();
    }

    @Override
    public void close() {
        http.stop(0);
    }
}

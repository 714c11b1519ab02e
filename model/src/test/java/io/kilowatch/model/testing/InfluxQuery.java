package io.kilowatch.model.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * InfluxQL over HTTP for tests: rows as maps (column → value), timestamps in epoch ms, tags
 * included for GROUP BY *. {@link #scratch} gives a test a database of its own that
 * {@link #close()} drops.
 */
public final class InfluxQuery implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;
    private final String db;
    private final boolean scratch;
    private final io.kilowatch.model.InfluxLogin login;

    /** As the stack's administrator ({@link TestStack#influxAdmin}), which may make scratch databases. */
    public InfluxQuery(String url, String db) {
        this(url, db, false, TestStack.influxAdmin());
    }

    /** As {@code login}: what that account may read. */
    public InfluxQuery(String url, String db, io.kilowatch.model.InfluxLogin login) {
        this(url, db, false, login);
    }

    private InfluxQuery(String url, String db, boolean scratch, io.kilowatch.model.InfluxLogin login) {
        this.url = url;
        this.db = db;
        this.scratch = scratch;
        this.login = login;
    }

    /** Creates database {@code db} (a name of the test's own) for one test; closing the query drops it. */
    public static InfluxQuery scratch(String url, String db) throws IOException, InterruptedException {
        InfluxQuery q = new InfluxQuery(url, db, true, TestStack.influxAdmin());
        q.execute("CREATE DATABASE \"" + db + "\"");
        return q;
    }

    public String database() {
        return db;
    }

    /** Drops the database when it is a scratch one; a query on a shared database leaves it alone. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (scratch) {
            execute("DROP DATABASE \"" + db + "\"");
        }
    }

    public List<Map<String, Object>> rows(String influxQl) throws IOException, InterruptedException {
        URI uri = URI.create(url + "/query?epoch=ms&db=" + enc(db) + "&q=" + enc(influxQl));
        HttpResponse<String> resp =
                http.send(login.apply(HttpRequest.newBuilder(uri)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IOException("InfluxDB answered " + resp.statusCode() + ": " + resp.body());
        }
        JsonNode result = JSON.readTree(resp.body()).path("results").path(0);
        if (result.has("error")) {
            throw new IOException("InfluxQL error: " + result.get("error").asText() + " in " + influxQl);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JsonNode series : result.path("series")) {
            Map<String, Object> tags = new HashMap<>();
            Iterator<Map.Entry<String, JsonNode>> t = series.path("tags").fields();
            while (t.hasNext()) {
                Map.Entry<String, JsonNode> e = t.next();
                tags.put(e.getKey(), e.getValue().asText());
            }
            JsonNode columns = series.path("columns");
            for (JsonNode values : series.path("values")) {
                Map<String, Object> row = new HashMap<>(tags);
                for (int i = 0; i < columns.size(); i++) {
                    JsonNode v = values.get(i);
                    row.put(
                            columns.get(i).asText(),
                            v.isNull()
                                    ? null
                                    : v.isIntegralNumber()
                                            ? (Object) v.longValue()
                                            : v.isNumber()
                                                    ? (Object) v.doubleValue()
                                                    : v.isBoolean() ? (Object) v.booleanValue() : v.asText());
                }
                rows.add(row);
            }
        }
        return rows;
    }

    /** InfluxDB's JSON writes the float 42.0 as 42: read numeric columns through these, never by cast. */
    public static double asDouble(Object v) {
        return ((Number) v).doubleValue();
    }

    public static long asLong(Object v) {
        Number n = (Number) v;
        if (n.doubleValue() != n.longValue()) {
            throw new AssertionError("not an integer: " + v);
        }
        return n.longValue();
    }

    /** Writes line protocol with millisecond timestamps; fails unless InfluxDB answers 204. */
    public void write(String lines) throws IOException, InterruptedException {
        HttpRequest req = login.apply(HttpRequest.newBuilder(URI.create(url + "/write?precision=ms&db=" + enc(db))))
                .POST(HttpRequest.BodyPublishers.ofString(lines))
                .build();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 204) {
            throw new IOException("InfluxDB answered " + resp.statusCode() + ": " + resp.body());
        }
    }

    public void execute(String influxQl) throws IOException, InterruptedException {
        HttpRequest req = login.apply(HttpRequest.newBuilder(URI.create(url + "/query?q=" + enc(influxQl))))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() != 200) {
            throw new IOException("InfluxDB answered " + resp.statusCode() + ": " + resp.body());
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}

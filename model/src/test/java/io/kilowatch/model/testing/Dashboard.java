package io.kilowatch.model.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A Grafana dashboard file as its tests read it: every query it sends, and a panel's query by title. */
public final class Dashboard {
    private final JsonNode json;

    private Dashboard(JsonNode json) {
        this.json = json;
    }

    public static Dashboard load(String file) throws IOException {
        return new Dashboard(new ObjectMapper().readTree(Path.of(file).toFile()));
    }

    /** The queries of every panel target and every template variable. */
    public List<String> allQueries() {
        List<String> queries = new ArrayList<>();
        json.path("panels")
                .forEach(p -> p.path("targets")
                        .forEach(t -> queries.add(t.path("query").asText())));
        json.path("templating")
                .path("list")
                .forEach(v -> queries.add(v.path("query").asText()));
        return queries;
    }

    /** The query of the {@code i}-th template variable. */
    public String variableQuery(int i) {
        return json.path("templating").path("list").path(i).path("query").asText();
    }

    /** The first query of the panel whose title starts with {@code title}. */
    public String panelQuery(String title) {
        for (JsonNode panel : json.path("panels")) {
            if (panel.path("title").asText().startsWith(title)) {
                return panel.path("targets").path(0).path("query").asText();
            }
        }
        throw new AssertionError("no panel " + title);
    }

    /** The panel's query as Grafana sends it for the range {@code [fromMs, toMs]} and the interval {@code interval}. */
    public String panelQuery(String title, long fromMs, long toMs, String interval) {
        return panelQuery(title)
                .replace("$timeFilter", "time >= " + fromMs + "ms and time <= " + toMs + "ms")
                .replace("$__interval", interval);
    }
}

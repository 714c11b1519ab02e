package io.kilowatch.flink.influx;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The v1 {@code /write?db=…&precision=ms} endpoint, with the JDK's HTTP client: InfluxDB 1.x,
 * 2.x (v1 compatibility: a DBRP mapping, the token as password) and 3.x all accept it.
 */
final class V1Transport implements InfluxTransport {
    private final HttpClient http;
    private final URI writeUri;
    private final String authorization;
    private final InfluxConfig config;

    V1Transport(InfluxConfig config) {
        this.config = config;
        this.http =
                HttpClient.newBuilder().connectTimeout(config.requestTimeout()).build();
        this.writeUri = URI.create(config.url() + "/write?precision=ms&db="
                + URLEncoder.encode(config.database(), StandardCharsets.UTF_8));
        this.authorization = io.kilowatch.model.InfluxLogin.of(config.username(), config.password())
                .authorization();
    }

    @Override
    public CompletableFuture<Answer> write(List<String> lines) {
        HttpRequest.Builder req = HttpRequest.newBuilder(writeUri)
                .timeout(config.requestTimeout())
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines), StandardCharsets.UTF_8));
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        return http.sendAsync(req.build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, error) ->
                        error != null ? Answer.failed(error) : Answer.of(response.statusCode(), response.body()));
    }

    @Override
    public String describe() {
        return "InfluxDB at " + config.url() + " (v1 /write, database '" + config.database() + "')";
    }

    @Override
    public void close() {
        // the JDK client has nothing to close on Java 17
    }
}

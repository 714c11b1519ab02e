package io.kilowatch.model;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * An InfluxDB account, sent as HTTP Basic authentication (InfluxDB 1.x; 2.x/3.x take a token as
 * the password on their v1 API). In a header, never in a URL: URLs end up in logs and error
 * messages. Every InfluxDB client of the project (jobs' sink, ingest's pipeline counters, the
 * simulator, the dashboards' preview, the tests) authenticates through this.
 */
public record InfluxLogin(String username, String password) {
    public static final InfluxLogin NONE = new InfluxLogin(null, null);

    /** {@code KW_INFLUX_USERNAME} and {@code KW_INFLUX_PASSWORD}; none when the user is unset. */
    public static InfluxLogin fromEnvironment(Map<String, String> env) {
        return of(env.get("KW_INFLUX_USERNAME"), env.get("KW_INFLUX_PASSWORD"));
    }

    /** No login when {@code username} is null or empty (a database without authentication). */
    public static InfluxLogin of(String username, String password) {
        return username == null || username.isEmpty()
                ? NONE
                : new InfluxLogin(username, password == null ? "" : password);
    }

    public boolean present() {
        return username != null;
    }

    /** The {@code Authorization} header's value, or null without a login. */
    public String authorization() {
        if (!present()) {
            return null;
        }
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Adds the login to a request; the same builder. */
    public HttpRequest.Builder apply(HttpRequest.Builder request) {
        return present() ? request.header("Authorization", authorization()) : request;
    }

    @Override
    public String toString() { // never print the password
        return present() ? username : "(none)";
    }
}

package io.kilowatch.ingest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /health/live}, {@code /health/ready} (200 or 503) and {@code /metrics} (Prometheus
 * text) on loopback, on the JDK's own HTTP server: nothing more is needed for three endpoints.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    public HealthServer(int port, BooleanSupplier ready, Supplier<String> metrics) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/health/live", ex -> respond(ex, 200, "text/plain", "live\n"));
        server.createContext("/health/ready", ex -> {
            boolean ok = ready.getAsBoolean();
            respond(ex, ok ? 200 : 503, "text/plain", ok ? "ready\n" : "not ready\n");
        });
        server.createContext("/metrics", ex -> respond(ex, 200, "text/plain; version=0.0.4", metrics.get()));
    }

    public HealthServer start() {
        server.start();
        return this;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

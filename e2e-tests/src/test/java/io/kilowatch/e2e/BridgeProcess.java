package io.kilowatch.e2e;

import io.kilowatch.model.testing.TestStack;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The ingest bridge as a real process, from its shaded jar, so a test can SIGKILL it. It is
 * found and scraped the way an operator would: by its health and metrics endpoints.
 */
final class BridgeProcess implements AutoCloseable {
    private static final Path JAR = Path.of("..", "ingest", "target", "kilowatch-ingest.jar");

    private final Map<String, String> env;
    private final Path log;
    private final int httpPort;
    private final HttpClient http = HttpClient.newHttpClient();
    private Process process;

    BridgeProcess(TestStack stack, String clientId, Path logDir, Map<String, String> extraEnv) throws IOException {
        this.httpPort = freePort();
        this.log = logDir.resolve(clientId + ".log");
        this.env = new HashMap<>(stack.bridgeEnvironment(clientId));
        env.putAll(extraEnv);
        env.put("KW_HTTP_PORT", Integer.toString(httpPort));
    }

    BridgeProcess start() throws Exception {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(
                    JAR.toAbsolutePath() + " is missing: build the ingest module first (mvn package)");
        }
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx512m", "-jar", JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        process = pb.start();
        long deadline = System.currentTimeMillis() + 30_000;
        while (!ready()) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("bridge did not become ready; see " + log.toAbsolutePath());
            }
            Thread.sleep(100);
        }
        return this;
    }

    /** SIGKILL: no shutdown hook, no draining, no goodbye to the broker. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    boolean ready() {
        try {
            return http.send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/health/ready"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Waits until readings forwarded + dead-lettered reach {@code n} (every published reading accounted for), or the timeout. */
    void awaitAccounted(long n, java.time.Duration timeout) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        while (metric("kilowatch_ingest_readings_forwarded_total") + metric("kilowatch_ingest_dead_lettered_total") < n
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
    }

    String metricsUrl() {
        return "http://127.0.0.1:" + httpPort + "/metrics";
    }

    /** Sum of a Prometheus metric's samples (all labels), or -1 when the bridge does not answer. */
    long metric(String name) {
        try {
            String body = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            long sum = 0;
            for (String line : body.split("\n")) {
                if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                    sum += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /** SIGTERM: the bridge drains what it has in flight and disconnects. */
    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

package io.kilowatch.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Flink session cluster of {@code scripts/cluster.sh} (a JobManager and two TaskManagers,
 * separate JVMs), driven the way an operator drives it: up, submit, wait, savepoint, down. A
 * JUnit extension: {@code @RegisterExtension static final FlinkCluster CLUSTER = new FlinkCluster()}
 * starts it before a class's tests and stops it after them.
 */
final class FlinkCluster implements BeforeAllCallback, AfterAllCallback {
    private static final Path SCRIPT = Path.of("..", "scripts", "cluster.sh");
    private final Path logs = Path.of("target", "flink-cluster").toAbsolutePath();

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        run("up");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        run("down");
    }

    /** Submits {@code job} (curves, alerts) with its settings file; returns the job id. */
    String submit(String job, int parallelism, Path config, String fromSavepoint) throws Exception {
        return submit(job, parallelism, config, fromSavepoint, null);
    }

    /** As {@link #submit(String, int, Path, String)}, from another build's cluster jar when {@code jar} is set. */
    String submit(String job, int parallelism, Path config, String fromSavepoint, Path jar) throws Exception {
        List<String> args = new ArrayList<>(
                List.of("submit", job, "--parallelism", Integer.toString(parallelism), "--config", config.toString()));
        if (fromSavepoint != null) {
            args.addAll(List.of("--from-savepoint", fromSavepoint));
        }
        if (jar != null) {
            args.addAll(List.of("--jar", jar.toAbsolutePath().toString()));
        }
        return run(args.toArray(String[]::new));
    }

    void await(String jobId, String state, int seconds) throws Exception {
        run("wait", jobId, state, Integer.toString(seconds));
    }

    void cancel(String jobId) throws Exception {
        run("cancel", jobId);
    }

    /** Stops the job with a savepoint; returns the savepoint's path. */
    String stopWithSavepoint(String jobId) throws Exception {
        return run("savepoint", jobId, "--stop");
    }

    /** SIGKILL of TaskManager {@code n}: no shutdown, its slots and tasks gone at once. */
    void killTaskManager(int n) throws Exception {
        StackFaults.sigkill(StackFaults.stackDir().resolve("flink").resolve("taskmanager-" + n + ".pid"));
    }

    /**
     * The TaskManagers (1, 2, … as {@code cluster.sh} numbers them) that run a task of the job:
     * the REST API names them by resource id, which each TaskManager's log gives at its start.
     */
    java.util.SortedSet<Integer> taskManagersOf(String jobId) throws Exception {
        java.util.Set<String> ids = new java.util.HashSet<>();
        java.util.regex.Matcher vertex =
                java.util.regex.Pattern.compile("\"id\":\"([0-9a-f]{32})\"").matcher(rest("/jobs/" + jobId));
        while (vertex.find()) {
            java.util.regex.Matcher tm = java.util.regex.Pattern.compile("\"taskmanager-id\":\"([^\"]+)\"")
                    .matcher(rest("/jobs/" + jobId + "/vertices/" + vertex.group(1) + "/taskmanagers"));
            while (tm.find()) {
                ids.add(tm.group(1));
            }
        }
        java.util.SortedSet<Integer> out = new java.util.TreeSet<>();
        Path logs = StackFaults.stackDir().resolve("flink").resolve("log");
        for (int n = 1; Files.exists(logs.resolve("taskmanager-" + n + ".log")); n++) {
            String started = null;
            for (String line : Files.readAllLines(logs.resolve("taskmanager-" + n + ".log"))) {
                int at = line.indexOf("Starting TaskManager with ResourceID: ");
                if (at >= 0) {
                    started = line.substring(at + "Starting TaskManager with ResourceID: ".length())
                            .strip();
                }
            }
            if (started != null && ids.contains(started)) {
                out.add(n);
            }
        }
        return out;
    }

    private static String rest(String path) throws Exception {
        String port = System.getenv().getOrDefault("KW_FLINK_REST_PORT", "8081");
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
    }

    /** How many times the job has restarted (Flink's {@code numRestarts}), from the REST API. */
    long restarts(String jobId) throws Exception {
        String body = rest("/jobs/" + jobId + "/metrics?get=numRestarts");
        java.util.regex.Matcher v =
                java.util.regex.Pattern.compile("\"value\":\"(\\d+)\"").matcher(body);
        return v.find() ? Long.parseLong(v.group(1)) : 0;
    }

    /** Starts whatever of the cluster is not running (an operator bringing a dead TaskManager back). */
    void up() throws Exception {
        run("up");
    }

    /** Runs the script; returns the last line it printed on stdout (a job id, a path). */
    private String run(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        Files.createDirectories(logs);
        Path out = logs.resolve("cluster-" + args[0] + "-" + System.nanoTime() + ".out");
        Path err = logs.resolve("cluster.log");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(err.toFile()));
        int exit = pb.start().waitFor();
        List<String> lines = Files.readAllLines(out);
        if (exit != 0) {
            throw new IllegalStateException(
                    "scripts/cluster.sh " + String.join(" ", args) + " failed (exit " + exit + "); see " + err);
        }
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
    }
}

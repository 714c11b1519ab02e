package io.kilowatch.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Faults of the stack's real processes, the way they happen: SIGKILL from a pid file, and an
 * operator's {@code scripts/stack.sh down|up PART} (a clean stop, then a start with the same data).
 */
final class StackFaults {
    private static final Path SCRIPT = Path.of("..", "scripts", "stack.sh");

    private StackFaults() {}

    static Path stackDir() {
        return Path.of(System.getenv().getOrDefault("KW_STACK_DIR", "../.stack"));
    }

    /** SIGKILL of the process a pid file names. */
    static void sigkill(Path pidFile) throws IOException, InterruptedException {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        ProcessHandle p = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(pidFile + ": not running"));
        Process kill = new ProcessBuilder("kill", "-KILL", Long.toString(pid))
                .inheritIO()
                .start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -KILL " + pid + " failed");
        }
        p.onExit().join();
    }

    /** SIGKILL of the single Kafka broker (node 1). */
    static void killKafka() throws IOException, InterruptedException {
        sigkill(stackDir().resolve("kafka").resolve("kafka.pid"));
    }

    static void stop(String part) throws IOException, InterruptedException {
        stack("down", part);
    }

    static void start(String part) throws IOException, InterruptedException {
        stack("up", part);
    }

    /** {@code stack.sh up}: starts every part that is not running, leaves the others alone. */
    static void startAll() throws IOException, InterruptedException {
        stack("up", "mqtt");
        stack("up", "influx");
        stack("up", "kafka");
    }

    private static void stack(String command, String part) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString(), command, part));
        Path log = Path.of("target", "stack-faults.log");
        Files.createDirectories(log.getParent());
        int exit = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start()
                .waitFor();
        if (exit != 0) {
            throw new IllegalStateException("scripts/stack.sh " + command + " " + part + " failed; see " + log);
        }
    }
}

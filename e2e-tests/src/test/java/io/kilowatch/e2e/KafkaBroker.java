package io.kilowatch.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** Stops and restarts the stack's real Kafka broker, the way an outage and a recovery happen. */
final class KafkaBroker {
    private KafkaBroker() {}

    private static Path stackDir() {
        String dir = System.getenv("KW_STACK_DIR");
        return dir != null ? Path.of(dir) : Path.of("..", ".stack");
    }

    /** SIGTERM to the broker named by the stack's pid file; returns when it has exited. */
    static void stop() throws Exception {
        long pid = Long.parseLong(Files.readString(stackDir().resolve("kafka").resolve("kafka.pid"))
                .trim());
        ProcessHandle broker =
                ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no Kafka process " + pid));
        broker.destroy();
        broker.onExit().get();
    }

    /** scripts/stack.sh up restarts what is not running (here: Kafka) and waits until it answers. */
    static void start() throws Exception {
        Process up = new ProcessBuilder(
                        "bash", Path.of("..", "scripts", "stack.sh").toString(), "up")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (up.waitFor() != 0) {
            throw new IllegalStateException("scripts/stack.sh up failed to bring Kafka back");
        }
    }
}

package io.kilowatch.e2e;

import io.kilowatch.model.testing.TestStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Three KRaft nodes started by {@code scripts/stack.sh up kafka} with {@code KW_KAFKA_BROKERS=3},
 * in a folder and on ports of their own beside the test stack (Kafka port + 100, + 2 per node),
 * so a test can SIGKILL one of them without touching the suite's broker.
 */
final class KafkaCluster implements AutoCloseable {
    static final int NODES = 3;
    private static final Path SCRIPT = Path.of("..", "scripts", "stack.sh");

    private final Path dir;
    private final int firstPort;
    private final Map<String, String> env;

    private KafkaCluster(TestStack beside) {
        this.dir = Path.of("target", "kafka-cluster").toAbsolutePath();
        this.firstPort = beside.kafkaPort() + 100;
        this.env = Map.of(
                "KW_STACK_DIR", dir.toString(),
                "KW_KAFKA_BROKERS", Integer.toString(NODES),
                "KW_KAFKA_PORT", Integer.toString(firstPort),
                "KW_KAFKA_CONTROLLER_PORT", Integer.toString(firstPort + 1),
                "KW_KAFKA_HEAP", "512m");
    }

    /** Starts the cluster afresh (its data from an earlier run is deleted) and waits until its topics exist. */
    static KafkaCluster start(TestStack beside) throws Exception {
        KafkaCluster c = new KafkaCluster(beside);
        c.stack("down");
        for (int n = 1; n <= NODES; n++) {
            deleteTree(c.nodeDir(n).resolve("logs"));
        }
        Files.deleteIfExists(c.dir.resolve("kafka").resolve("cluster.id"));
        // The broker's classpath is resolved once per stack folder; the suite's stack has it already.
        Path resolved = Path.of(System.getenv().getOrDefault("KW_STACK_DIR", "../.stack"), "kafka", "classpath.txt");
        if (Files.exists(resolved)) {
            Files.createDirectories(c.dir.resolve("kafka"));
            Files.copy(
                    resolved,
                    c.dir.resolve("kafka").resolve("classpath.txt"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        c.stack("up");
        return c;
    }

    /** Every node, as clients should be given them to survive the loss of any one. */
    String bootstrap() {
        return String.join(
                ",",
                IntStream.rangeClosed(1, NODES)
                        .mapToObj(n -> "127.0.0.1:" + port(n))
                        .toList());
    }

    int port(int node) {
        return firstPort + 2 * (node - 1);
    }

    /** The suite's stack with this cluster's node {@code node} as its Kafka (one that is alive). */
    TestStack via(TestStack beside, int node) {
        return new TestStack(beside.mqttPort(), port(node), beside.influxPort(), beside.influxDb());
    }

    /** SIGKILL to one node: no shutdown, no leadership handed over; the others must elect and go on. */
    void kill(int node) throws Exception {
        long pid = Long.parseLong(
                Files.readString(nodeDir(node).resolve("kafka.pid")).trim());
        ProcessHandle broker = ProcessHandle.of(pid)
                .orElseThrow(() -> new IllegalStateException("no Kafka node " + node + " process " + pid));
        broker.destroyForcibly();
        broker.onExit().get();
    }

    private Path nodeDir(int n) {
        return dir.resolve(n == 1 ? "kafka" : "kafka" + n);
    }

    private void stack(String command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString(), command, "kafka"));
        Path log = Files.createDirectories(dir).resolve("stack-" + command + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        if (pb.start().waitFor() != 0) {
            throw new IllegalStateException("scripts/stack.sh " + command + " kafka failed; see " + log);
        }
    }

    private static void deleteTree(Path p) throws Exception {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }

    @Override
    public void close() throws Exception {
        stack("down");
    }
}

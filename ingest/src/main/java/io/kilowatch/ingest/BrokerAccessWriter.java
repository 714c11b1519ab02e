package io.kilowatch.ingest;

import io.kilowatch.model.RegistryEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the broker's password and ACL files equal to the registry while ingest runs: every
 * registry change marks them stale, and at most once per {@code mqtt.access.every} they are
 * regenerated ({@link BrokerAccessFiles}), replaced atomically when they differ, and the broker
 * is told to reload ({@code mqtt.access.reload-command}; Mosquitto rereads both files on SIGHUP
 * without dropping a connection). A new meter can connect within that interval of its registry
 * record; a removed one is refused its next publish. A failed write or reload is retried at the
 * next tick. Nothing is written before the registry has been read once: a half-read registry
 * would lock out the meters not yet read.
 */
final class BrokerAccessWriter implements RegistryFollower.Listener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerAccessWriter.class);
    static final String STATIC_PASSWD = "static.passwd";
    static final String STATIC_ACL = "static.acl";
    static final String PASSWD = "passwd";
    static final String ACL = "acl";

    private final Path dir;
    private final String reloadCommand;
    private final BrokerAccessFiles files;
    private final IngestMetrics metrics;
    private final BooleanSupplier registryLoaded;
    private final Map<String, RegistryEntry> entries = new ConcurrentHashMap<>();
    private final AtomicBoolean stale = new AtomicBoolean(true);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "broker-access");
        t.setDaemon(true);
        return t;
    });

    BrokerAccessWriter(IngestConfig config, IngestMetrics metrics, BooleanSupplier registryLoaded) {
        this.dir = Path.of(config.mqttAccessDir());
        this.reloadCommand = config.mqttAccessReloadCommand();
        this.files = new BrokerAccessFiles(config.mqttAccessDeviceKey());
        this.metrics = metrics;
        this.registryLoaded = registryLoaded;
        long every = Math.max(50, config.mqttAccessEvery().toMillis());
        timer.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void registryUpdate(String meterId, RegistryEntry entry) {
        if (entry == null) {
            entries.remove(meterId);
        } else {
            entries.put(meterId, entry);
        }
        stale.set(true);
    }

    private void tick() {
        if (!registryLoaded.getAsBoolean() || !stale.getAndSet(false)) {
            return;
        }
        try {
            writeAndReload();
        } catch (Exception e) {
            stale.set(true);
            metrics.brokerAccessFailures.increment();
            LOG.error(
                    "broker access files in {} not updated ({}); new meters cannot connect until this works — retrying",
                    dir,
                    e.getMessage());
        }
    }

    /** Writes the files if they differ from what is there, then reloads the broker. */
    void writeAndReload() throws IOException, InterruptedException {
        BrokerAccessFiles.Files f =
                files.generate(entries.values(), read(dir.resolve(STATIC_PASSWD)), read(dir.resolve(STATIC_ACL)));
        metrics.brokerAccessAccounts.set(f.meters() + f.concentrators() + f.customers());
        metrics.brokerAccessSkipped.set(f.skipped().size());
        if (!f.skipped().isEmpty()) {
            LOG.warn(
                    "{} registry ids cannot be broker accounts (they contain ':' or white space) and cannot connect: {}",
                    f.skipped().size(),
                    f.skipped().stream().limit(10).toList());
        }
        boolean changed = replaceIfDifferent(dir.resolve(PASSWD), f.passwd());
        changed |= replaceIfDifferent(dir.resolve(ACL), f.acl());
        if (!changed) {
            return;
        }
        reload();
        metrics.brokerAccessWrites.increment();
        LOG.info(
                "broker access written and reloaded: {} meters, {} concentrators, {} customers",
                f.meters(),
                f.concentrators(),
                f.customers());
    }

    private void reload() throws IOException, InterruptedException {
        if (reloadCommand == null || reloadCommand.isBlank()) {
            return;
        }
        Process p = new ProcessBuilder("/bin/sh", "-c", reloadCommand)
                .redirectErrorStream(true)
                .start();
        boolean done = p.waitFor(10, TimeUnit.SECONDS);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!done) {
            p.destroyForcibly();
            throw new IOException("reload command did not finish within 10 s: " + reloadCommand);
        }
        if (p.exitValue() != 0) {
            throw new IOException("reload command exited " + p.exitValue() + ": " + reloadCommand + " " + out);
        }
    }

    private static boolean replaceIfDifferent(Path target, String text) throws IOException {
        if (read(target).equals(text)) {
            return false;
        }
        // Mosquitto may reread at any moment (another instance's reload): it must see a whole file.
        Path tmp = target.resolveSibling(
                target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        // Hashes are no one else's business: owner and the broker's group only.
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }

    private static String read(Path p) throws IOException {
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

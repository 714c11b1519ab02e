package io.kilowatch.e2e;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An older build of the jobs, made from this repository's own history: the cluster jar of the
 * commit before the last one that changed a given source file. What an operator upgrades from
 * when that file's operator changed: the same uids and state, other code.
 */
final class PreviousBuild {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static final Path BUILDS = Path.of("target", "previous-builds").toAbsolutePath();

    /** The built cluster jar, and the two commits: the one it was built from, and the change after it. */
    record Jar(Path path, String builtFrom, String changedBy) {}

    private PreviousBuild() {}

    static Jar clusterJarBeforeLastChangeOf(String file) throws Exception {
        String change = git("log", "-n1", "--format=%H", "--", file);
        if (change.isEmpty()) {
            throw new IllegalStateException(
                    file + " has no history in " + REPO + " (a clone, not an export, is needed)");
        }
        String before = git("rev-parse", change + "^");
        Path src = BUILDS.resolve(before.substring(0, 12));
        Path jar = src.resolve("flink-jobs/target/kilowatch-flink-jobs-cluster.jar");
        if (!Files.exists(jar)) {
            Files.createDirectories(src);
            run(REPO, 120, "bash", "-c", "git archive --format=tar " + before + " | tar -x -C '" + src + "'");
            // package, not install: the older artifacts must not replace this build's in ~/.m2
            run(
                    src,
                    900,
                    "mvn",
                    "-B",
                    "-q",
                    "-T1C",
                    "package",
                    "-DskipTests",
                    "-Dspotless.check.skip=true",
                    "-pl",
                    "flink-jobs",
                    "-am");
        }
        return new Jar(jar, before, change);
    }

    private static String git(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", REPO.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
        return out;
    }

    private static void run(Path dir, int timeoutSeconds, String... cmd) throws Exception {
        Path log = Files.createTempFile(BUILDS, "build", ".log");
        Process p = new ProcessBuilder(cmd)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " took over " + timeoutSeconds + " s; see " + log);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(
                    String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + Files.readString(log));
        }
    }
}

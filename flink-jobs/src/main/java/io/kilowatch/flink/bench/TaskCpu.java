package io.kilowatch.flink.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time of a run per Flink task (a chain of operators runs on one thread per subtask, named
 * after the chain), from the JVM's thread CPU clocks, sampled while the run goes on: a task's
 * thread ends with its job and takes its clock with it. What one stage of a job costs is then
 * read off its own threads, which moves far less between runs than a rate on shared cores does.
 * A thread's last fraction of a sampling period before it ends is not counted.
 */
final class TaskCpu implements AutoCloseable {
    private static final Pattern SUBTASK = Pattern.compile("\\s*\\(\\d+/\\d+\\)(#\\d+)?$");
    private static final long PERIOD_MS = 200;
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> startCpu = new HashMap<>();
    private final Map<Long, Long> lastCpu = new HashMap<>();
    private final Map<Long, Long> startBytes = new HashMap<>();
    private final Map<Long, Long> lastBytes = new HashMap<>();
    private final Map<String, Double> nativeStart;
    private final Thread sampler;
    private volatile boolean running = true;

    TaskCpu() {
        nativeStart = nativeThreads();
        sample(true);
        sampler = new Thread(this::loop, "bench-task-cpu");
        sampler.setDaemon(true);
        sampler.start();
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(PERIOD_MS);
            } catch (InterruptedException e) {
                return;
            }
            sample(false);
        }
    }

    private synchronized void sample(boolean baseline) {
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            long cpu = threads.getThreadCpuTime(ids[i]);
            if (cpu < 0 || infos[i] == null) {
                continue;
            }
            names.put(ids[i], infos[i].getThreadName());
            long bytes = allocated(ids[i]);
            if (baseline) {
                startCpu.put(ids[i], cpu);
                startBytes.put(ids[i], bytes);
            } else {
                startCpu.putIfAbsent(ids[i], 0L);
                startBytes.putIfAbsent(ids[i], 0L);
            }
            lastCpu.put(ids[i], cpu);
            lastBytes.put(ids[i], bytes);
        }
    }

    /** Bytes the thread allocated on the heap so far (HotSpot's counter; 0 where there is none). */
    private long allocated(long id) {
        return threads instanceof com.sun.management.ThreadMXBean hs && hs.isThreadAllocatedMemoryEnabled()
                ? Math.max(0, hs.getThreadAllocatedBytes(id))
                : 0;
    }

    /** CPU seconds per task (subtasks summed), largest first; threads that are not tasks under "other: " and their name. */
    synchronized Map<String, Double> byTask() {
        Map<String, Double> sums = sums(lastCpu, startCpu, 1e9);
        nativeThreads().forEach((group, s) -> sums.merge(group, s - nativeStart.getOrDefault(group, 0.0), Double::sum));
        Map<String, Double> sorted = new LinkedHashMap<>();
        sums.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /**
     * CPU seconds so far of the JVM's own native threads, by what they do: the garbage collector's
     * (G1's pause workers, concurrent markers, remembered-set refinement), the JIT compilers' and the
     * VM thread's. The thread clocks above do not see them, and on two cores they are where a stage
     * that allocates or mutates old objects shows beyond its own task. From /proc/self/task (Linux;
     * empty elsewhere). These threads live as long as the JVM, so a difference of two reads is theirs.
     */
    static Map<String, Double> nativeThreads() {
        Map<String, Double> out = new HashMap<>();
        java.nio.file.Path tasks = java.nio.file.Path.of("/proc/self/task");
        try (var dirs = java.nio.file.Files.list(tasks)) {
            for (java.nio.file.Path d : (Iterable<java.nio.file.Path>) dirs::iterator) {
                try {
                    String stat = java.nio.file.Files.readString(d.resolve("stat"));
                    String comm = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String group = nativeGroup(comm);
                    if (group == null) {
                        continue;
                    }
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    out.merge(group, (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0, Double::sum);
                } catch (java.io.IOException | RuntimeException e) {
                    // the thread ended while it was read
                }
            }
        } catch (java.io.IOException e) {
            return out;
        }
        return out;
    }

    /** The group of a native JVM thread by its (15-character) Linux name; null for a Java thread. */
    static String nativeGroup(String comm) {
        if (comm.startsWith("GC Thread") || comm.startsWith("G1 ")) {
            return "GC threads (native: G1's workers, marking, refinement)";
        }
        if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
            return "JIT compiler threads (native)";
        }
        if (comm.equals("VM Thread")) {
            return "VM thread (native: safepoints)";
        }
        return null;
    }

    /**
     * Heap bytes allocated per task, as {@link #byTask}: what a stage costs the garbage collector,
     * whose threads are not among the tasks.
     */
    synchronized Map<String, Double> allocatedByTask() {
        return sums(lastBytes, startBytes, 1);
    }

    private Map<String, Double> sums(Map<Long, Long> last, Map<Long, Long> start, double unit) {
        sample(false);
        Map<String, Double> sums = new HashMap<>();
        for (Map.Entry<Long, Long> e : last.entrySet()) {
            String name = names.get(e.getKey());
            boolean task = SUBTASK.matcher(name).find();
            String key = task ? SUBTASK.matcher(name).replaceAll("") : otherGroup(name);
            sums.merge(key, (e.getValue() - start.getOrDefault(e.getKey(), 0L)) / unit, Double::sum);
        }
        Map<String, Double> sorted = new LinkedHashMap<>();
        sums.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /**
     * A Java thread that is no task, grouped by its name without numbers ("other:
     * kafka-producer-network-thread | producer-N", "other: AsyncOperations-thread-N", ...): a
     * stage's Kafka producer, checkpoint snapshots or HTTP client show under their own names.
     */
    static String otherGroup(String threadName) {
        return "other: " + DIGITS.matcher(threadName).replaceAll("N");
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}

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

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, String> names = new HashMap<>();
    private final Map<Long, Long> startCpu = new HashMap<>();
    private final Map<Long, Long> lastCpu = new HashMap<>();
    private final Map<Long, Long> startBytes = new HashMap<>();
    private final Map<Long, Long> lastBytes = new HashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    TaskCpu() {
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

    /** CPU seconds per task (subtasks summed), largest first; threads that are not tasks under "other JVM threads". */
    synchronized Map<String, Double> byTask() {
        return sums(lastCpu, startCpu, 1e9);
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
            String key = task
                    ? SUBTASK.matcher(name).replaceAll("")
                    : "other JVM threads (Kafka clients, Flink runtime, timers; not GC or JIT)";
            sums.merge(key, (e.getValue() - start.getOrDefault(e.getKey(), 0L)) / unit, Double::sum);
        }
        Map<String, Double> sorted = new LinkedHashMap<>();
        sums.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}

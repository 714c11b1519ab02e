package io.kilowatch.flink.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskCpuTest {
    @Test
    void theJvmsNativeThreadsAreGroupedByWhatTheyDoAndJavaThreadsAreNotAmongThem() {
        assertThat(TaskCpu.nativeGroup("GC Thread#1")).startsWith("GC threads");
        assertThat(TaskCpu.nativeGroup("G1 Refine#0")).startsWith("GC threads");
        assertThat(TaskCpu.nativeGroup("G1 Main Marker")).startsWith("GC threads");
        assertThat(TaskCpu.nativeGroup("C2 CompilerThre")).startsWith("JIT compiler");
        assertThat(TaskCpu.nativeGroup("C1 CompilerThre")).startsWith("JIT compiler");
        assertThat(TaskCpu.nativeGroup("VM Thread")).startsWith("VM thread");
        assertThat(TaskCpu.nativeGroup("AsyncOperation")).isNull();
    }

    @Test
    void threadsThatAreNoTaskAreGroupedByTheirNameWithoutNumbers() {
        assertThat(TaskCpu.otherGroup("AsyncOperations-thread-12")).isEqualTo("other: AsyncOperations-thread-N");
        assertThat(TaskCpu.otherGroup("kafka-producer-network-thread | producer-3"))
                .isEqualTo(TaskCpu.otherGroup("kafka-producer-network-thread | producer-17"));
    }

    @Test
    void thisJvmsNativeThreadsAreReadOnLinux() {
        assertThat(TaskCpu.nativeThreads()).containsKey(TaskCpu.nativeGroup("VM Thread"));
    }
}

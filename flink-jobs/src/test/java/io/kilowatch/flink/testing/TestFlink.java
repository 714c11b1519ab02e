package io.kilowatch.flink.testing;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/**
 * The Flink every job test runs on: an embedded MiniCluster of one TaskManager with two slots
 * (parallelism 2 on these two cores), shared by a test class through {@code @RegisterExtension}.
 */
public final class TestFlink {
    private TestFlink() {}

    public static MiniClusterExtension cluster() {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(1)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }
}

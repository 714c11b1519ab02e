package io.kilowatch.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicsTest {
    @Test
    void meterIdComesFromTheMeterTopicOnly() {
        assertThat(Topics.meterIdOf(Topics.meterReadingTopic("MAC000002"))).isEqualTo("MAC000002");
        assertThat(Topics.meterIdOf(Topics.concentratorBatchTopic("c-1"))).isNull();
        assertThat(Topics.meterIdOf("meters/")).isNull();
        assertThat(Topics.meterIdOf("meters/x")).isNull();
    }
}

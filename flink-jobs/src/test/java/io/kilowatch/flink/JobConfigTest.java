package io.kilowatch.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kilowatch.flink.records.EventTimeRange;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConfigTest {
    @Test
    void defaultsAreALiveJobWithTwoHoursOfLatenessForQuarterHours() throws Exception {
        JobConfig c = JobConfig.load(null, Map.of());
        assertThat(c.isBackfill()).isFalse();
        assertThat(c.allowedLateness15m()).isEqualTo(Duration.ofHours(2));
        assertThat(c.allowedLateness1m()).isZero();
        assertThat(c.params().dedupRetention()).isEqualTo(Duration.ofHours(3));
    }

    @Test
    void backfillNeedsBothEndsOnQuarterHours() throws Exception {
        JobConfig c = JobConfig.load(null, Map.of("KW_BACKFILL_FROM", "2026-11-22T00:00:00Z", "KW_BACKFILL_TO", "2026-11-22T06:15:00Z"));
        assertThat(c.backfill()).isEqualTo(new EventTimeRange(Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-22T06:15:00Z")));
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("KW_BACKFILL_FROM", "2026-11-22T00:00:00Z")))
                .hasMessageContaining("both");
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("KW_BACKFILL_FROM", "2026-11-22T00:05:00Z", "KW_BACKFILL_TO", "2026-11-22T01:00:00Z")))
                .hasMessageContaining("15-minute");
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("KW_BACKFILL_FROM", "2026-11-22T01:00:00Z", "KW_BACKFILL_TO", "2026-11-22T01:00:00Z")))
                .hasMessageContaining("empty");
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("KW_BACKFILL_FROM", "yesterday", "KW_BACKFILL_TO", "today")))
                .hasMessageContaining("ISO-8601");
    }

    @Test
    void dedupMustOutliveTheLatenessOrALateCopyWouldCountTwice() {
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("KW_TIME_ALLOWED_LATENESS_15M", "4h")))
                .hasMessageContaining("dedup.retention");
    }

    @Test
    void rangeKeepsItsStartAndDropsItsEnd() {
        EventTimeRange r = new EventTimeRange(Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-22T00:15:00Z"));
        assertThat(r.contains(r.from().toEpochMilli())).isTrue();
        assertThat(r.contains(r.to().toEpochMilli() - 1)).isTrue();
        assertThat(r.contains(r.to().toEpochMilli())).isFalse();
        assertThat(r.contains(r.from().toEpochMilli() - 1)).isFalse();
    }
}

package io.kilowatch.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kilowatch.billing.advice.Advisor;
import io.kilowatch.flink.alerts.AlertRules;
import io.kilowatch.flink.curves.CurveRules;
import io.kilowatch.flink.curves.InsightRules;
import io.kilowatch.flink.curves.LoadCurveStage;
import io.kilowatch.flink.influx.InfluxConfig;
import io.kilowatch.flink.records.EventTimeRange;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.assertj.core.api.recursive.comparison.RecursiveComparisonConfiguration;
import org.junit.jupiter.api.Test;

class JobConfigTest {
    @Test
    void theInfluxPasswordAndTokenAreNeverPrinted() throws Exception {
        JobConfig c = JobConfig.load(null, Map.of("KW_INFLUX_USERNAME", "kw-service", "KW_INFLUX_PASSWORD", "s3cret"));
        assertThat(c.influx().password()).isEqualTo("s3cret");
        assertThat(c.toString()).doesNotContain("s3cret").contains("user=kw-service");
        assertThat(c.influx().v2("t0ken", "org", "bucket").toString())
                .doesNotContain("t0ken")
                .doesNotContain("s3cret");
    }

    @Test
    void defaultsAreALiveJobWithTwoHoursOfLatenessForQuarterHours() throws Exception {
        JobConfig c = JobConfig.load(null, Map.of());
        assertThat(c.isBackfill()).isFalse();
        assertThat(c.allowedLateness15m()).isEqualTo(Duration.ofHours(2));
        assertThat(c.allowedLateness1m()).isZero();
        assertThat(c.rules().zone()).isEqualTo(java.time.ZoneId.of("Asia/Shanghai"));
        assertThat(c.rules().maxGapIntervals()).isEqualTo(4);
        assertThat(c.rules().meterMinuteClasses()).containsExactlyInAnyOrder("industrial", "transformer");
        assertThat(c.stateBackend()).isEqualTo("hashmap");
        assertThat(c.checkpointDir()).startsWith("file:/").contains("kilowatch-checkpoints");
    }

    /**
     * One value per default (#12): the rules and the sink a job or a test builds in code are the
     * ones a job configured with nothing gets, whichever way it is built.
     */
    @Test
    void theDefaultsInCodeAreTheConfigurationDefaults() throws Exception {
        JobConfig c = JobConfig.load(null, Map.of());
        RecursiveComparisonConfiguration exact = RecursiveComparisonConfiguration.builder()
                .withComparatorForType(BigDecimal::compareTo, BigDecimal.class)
                .build();
        assertThat(c.alertRules()).usingRecursiveComparison(exact).isEqualTo(AlertRules.defaults());
        assertThat(c.rules()).usingRecursiveComparison(exact).isEqualTo(CurveRules.defaults());
        assertThat(c.insightRules()).usingRecursiveComparison(exact).isEqualTo(InsightRules.defaults());
        assertThat(c.tariffRules().thresholds())
                .usingRecursiveComparison(exact)
                .isEqualTo(Advisor.Thresholds.defaults());
        assertThat(c.influx())
                .usingRecursiveComparison(exact)
                .isEqualTo(InfluxConfig.local(c.influx().url(), c.influx().database()));
        assertThat(c.compareShifts()).isEqualTo(LoadCurveStage.Params.DEFAULT_COMPARE_SHIFTS);
        // the tariff stage's sink: the same database and login, lines held up to 5 s
        assertThat(c.tariffsInflux())
                .usingRecursiveComparison(exact)
                .isEqualTo(c.influx().flushingEvery(java.time.Duration.ofSeconds(5)));
        assertThat(c.tariffsInflux().maxTimeInBuffer()).isEqualTo(java.time.Duration.ofSeconds(5));
        assertThat(c.influx().maxTimeInBuffer()).isEqualTo(java.time.Duration.ofMillis(200));
    }

    @Test
    void backfillNeedsBothEndsOnQuarterHours() throws Exception {
        JobConfig c = JobConfig.load(
                null, Map.of("KW_BACKFILL_FROM", "2026-11-22T00:00:00Z", "KW_BACKFILL_TO", "2026-11-22T06:15:00Z"));
        assertThat(c.backfill())
                .isEqualTo(new EventTimeRange(
                        Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-22T06:15:00Z")));
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("KW_BACKFILL_FROM", "2026-11-22T00:00:00Z")))
                .hasMessageContaining("both");
        assertThatThrownBy(() -> JobConfig.load(
                        null,
                        Map.of("KW_BACKFILL_FROM", "2026-11-22T00:05:00Z", "KW_BACKFILL_TO", "2026-11-22T01:00:00Z")))
                .hasMessageContaining("15-minute");
        assertThatThrownBy(() -> JobConfig.load(
                        null,
                        Map.of("KW_BACKFILL_FROM", "2026-11-22T01:00:00Z", "KW_BACKFILL_TO", "2026-11-22T01:00:00Z")))
                .hasMessageContaining("empty");
        assertThatThrownBy(
                        () -> JobConfig.load(null, Map.of("KW_BACKFILL_FROM", "yesterday", "KW_BACKFILL_TO", "today")))
                .hasMessageContaining("ISO-8601");
    }

    @Test
    void minuteLatenessMayNotOutliveTheQuarterHourThatHoldsTheDedupMemory() {
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("KW_TIME_ALLOWED_LATENESS_1M", "3h")))
                .hasMessageContaining("must not exceed");
    }

    @Test
    void badCurveRulesFailAtConfigurationTime() {
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("KW_KPI_ZONE", "Mars/Olympus")))
                .hasMessageContaining("kpi.zone");
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("KW_KPI_TOU_PLAN", "no-such-plan")))
                .hasMessageContaining("kpi.tou-plan names plan 'no-such-plan'");
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("KW_TARIFFS_CATALOGUE", "/no/such/catalogue.yaml")))
                .hasMessageContaining("tariffs.catalogue /no/such/catalogue.yaml cannot be read");
        assertThatThrownBy(() -> JobConfig.load(null, Map.of("KW_STATE_BACKEND", "memory")))
                .hasMessageContaining("rocksdb");
    }

    @Test
    void rangeKeepsItsStartAndDropsItsEnd() {
        EventTimeRange r =
                new EventTimeRange(Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-22T00:15:00Z"));
        assertThat(r.contains(r.from().toEpochMilli())).isTrue();
        assertThat(r.contains(r.to().toEpochMilli() - 1)).isTrue();
        assertThat(r.contains(r.to().toEpochMilli())).isFalse();
        assertThat(r.contains(r.from().toEpochMilli() - 1)).isFalse();
    }
}

package io.kilowatch.sim.loadtest;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LedgerTest {
    private static final long M = 1_700_000_040_000L; // a minute start

    @Test
    void aMinuteIsCompleteWhenInfluxAddsUpToWhatWasPublishedAndLatenciesFollow() {
        Ledger ledger = new Ledger(5_000);
        ledger.published(M + 10_000, M + 10_000);
        ledger.published(M + 50_000, M + 50_000);
        ledger.observed(M, 1, M + 70_000, true); // one of two: not complete
        ledger.observed(M, 2, M + 66_000, false); // still publishing into it: not yet
        assertThat(ledger.minutes().get(M).completeAt).isZero();
        ledger.observed(M, 2, M + 67_000, true);
        ledger.observed(M, 2, M + 90_000, true); // seen again: the first time counts
        assertThat(ledger.minutes().get(M).completeAt).isEqualTo(M + 67_000);
        assertThat(ledger.closeToPoint().getTotalCount()).isEqualTo(1);
        assertThat(ledger.closeToPoint().getValueAtPercentile(50)).isBetween(1_995L, 2_005L); // close at +65 s
        Histogram p2p = ledger.publishToPoint();
        assertThat(p2p.getTotalCount()).isEqualTo(2);
        assertThat(p2p.getMinValue()).isBetween(16_930L, 17_070L); // published at +50 s (HdrHistogram: 3 digits)
        assertThat(p2p.getMaxValue()).isBetween(56_930L, 57_070L); // published at +10 s
    }

    @Test
    void alertLatencySaysSoWhenThereAreNoAlerts() {
        Histogram h = new Histogram(3_600_000L, 3);
        assertThat(LoadtestReport.alertLatencyLine(h, 3)).contains("none opened", "3 alert probes sent");
        h.recordValue(1_500);
        h.recordValue(2_500);
        assertThat(LoadtestReport.alertLatencyLine(h, 2))
                .startsWith("Latency, publish → alert on kw.alerts: p50 1,50")
                .contains("(2 alerts opened, 2 probes sent)");
    }
}

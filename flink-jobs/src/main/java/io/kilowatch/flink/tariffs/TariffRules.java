package io.kilowatch.flink.tariffs;

import io.kilowatch.billing.advice.Advisor;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * What the tariff stage does with what it is given (the {@code tariffs.*} keys; docs/tariffs.md,
 * "Shadow bills and hints").
 *
 * @param updateEvery during catch-up (a replay, a backlog) the current plan's bill is written at most this often per customer,
 *     in processing time; day and month closes are always written
 * @param flexibleShare by customer class: the share of its expensive-period energy a shift hint proposes to move
 * @param resendChange a hint is sent again in the month only when its saving moved by more than this share
 * @param warningMinMinutes a demand warning waits until the quarter has this many minutes of readings
 * @param demandMinDays hints that rest on the month's maximum demand (another basis; a switch to or
 *     from a two-part plan) wait for this many days of the month's data: a weekend's maximum, or a
 *     day's, says little about the month's
 */
public record TariffRules(
        Duration updateEvery,
        Advisor.Thresholds thresholds,
        Map<String, BigDecimal> flexibleShare,
        BigDecimal resendChange,
        double warningMinMinutes,
        Duration demandMinDays)
        implements Serializable {
    public TariffRules {
        flexibleShare = Map.copyOf(flexibleShare);
    }
}

package io.kilowatch.flink.tariffs;

import io.kilowatch.flink.JobConfig;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * The tariff stage's parameters: its rules, and the curves' 15-minute lateness (an interval is
 * final, and a month closed, that long after its end).
 */
public record TariffParams(Duration allowedLateness15m, TariffRules rules) implements Serializable {

    public static TariffParams from(JobConfig c) {
        return new TariffParams(c.allowedLateness15m(), c.tariffRules());
    }

    Duration updateEvery() {
        return rules.updateEvery();
    }

    io.kilowatch.billing.advice.Advisor.Thresholds thresholds() {
        return rules.thresholds();
    }

    BigDecimal resendChange() {
        return rules.resendChange();
    }

    double warningMinMinutes() {
        return rules.warningMinMinutes();
    }

    long demandMinMs() {
        return rules.demandMinDays().toMillis();
    }

    BigDecimal flexibleShareOf(String customerClass) {
        return rules.flexibleShare().getOrDefault(customerClass, BigDecimal.ZERO);
    }
}

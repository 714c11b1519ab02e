package io.kilowatch.model.tariff;

import java.io.Serializable;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;

/**
 * A tariff plan a customer can be on: who may choose it, and its versions in date order.
 *
 * @param zone the local time of its calendars, days and months
 * @param illustrative its numbers are close to a published schedule but not a utility's official price
 */
public record TariffPlan(
        String id,
        String name,
        String catalogue,
        boolean illustrative,
        ZoneId zone,
        String currency,
        Eligibility eligibility,
        List<PlanVersion> versions,
        String notes)
        implements Serializable {
    public TariffPlan {
        versions = List.copyOf(versions);
    }

    /** The version in force on local date {@code d}, or null before the first. */
    public PlanVersion versionOn(LocalDate d) {
        PlanVersion in = null;
        for (PlanVersion v : versions) {
            if (!v.effectiveFrom().isAfter(d)) {
                in = v;
            }
        }
        return in;
    }

    public int versionIndexOn(LocalDate d) {
        int in = -1;
        for (int i = 0; i < versions.size(); i++) {
            if (!versions.get(i).effectiveFrom().isAfter(d)) {
                in = i;
            }
        }
        return in;
    }

    public boolean eligible(CustomerTerms c) {
        return eligibility.refusal(c) == null;
    }
}

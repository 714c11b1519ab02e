package io.kilowatch.model.intake;

import io.kilowatch.model.RegistryEntry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which concentrator reads which meter, as the registry says ({@link RegistryEntry#concentratorId()}),
 * so that a concentrator speaks only for its own meters. Kept current from the registry while
 * ingest runs: a meter moved to another concentrator is accepted from the new one from the
 * registry update on. Thread-safe: updated by the registry's reader, read by the MQTT callback.
 *
 * <p>While the registry names no concentrator at all (a registry exported before the column
 * existed, a load test's unregistered fleet) batches are not checked, and ingest says so at start
 * and in {@code kilowatch_ingest_concentrators_checked}; as soon as it names one, every batch
 * reading must come from its meter's concentrator, and a meter the registry does not know, or
 * knows as publishing its own readings, is not served by any.
 */
public final class ServedMeters {
    private final Map<String, String> concentratorOf = new ConcurrentHashMap<>();

    /** Applies one registry record; {@code entry} null is a tombstone (the meter left the registry). */
    public void update(String meterId, RegistryEntry entry) {
        if (entry == null || entry.concentratorId() == null) {
            concentratorOf.remove(meterId);
        } else {
            concentratorOf.put(meterId, entry.concentratorId());
        }
    }

    /** Whether batches are checked: the registry names at least one concentrator. */
    public boolean checked() {
        return !concentratorOf.isEmpty();
    }

    /** Meters the registry says a concentrator reads. */
    public int servedMeters() {
        return concentratorOf.size();
    }

    /** Why {@code concentratorId} may not speak for {@code meterId}, or null when it may. */
    public String refusal(String concentratorId, String meterId) {
        if (concentratorOf.isEmpty()) {
            return null;
        }
        String serving = concentratorOf.get(meterId);
        if (concentratorId.equals(serving)) {
            return null;
        }
        return serving == null
                ? "the registry names no concentrator for meter '" + meterId + "', so concentrator '" + concentratorId
                        + "' may not speak for it"
                : "meter '" + meterId + "' is read by concentrator '" + serving + "', not '" + concentratorId + "'";
    }
}

package io.kilowatch.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kilowatch.model.RegistryEntry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which customer an outbound event belongs to. A hint is keyed by its customer. An alert names
 * its customer in a {@code customerId} field when the producer knew it; otherwise its key is a
 * meter and the registry says whose it is. Pure apart from the registry map it keeps.
 */
public final class CustomerRouting {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, String> customerOfMeter = new ConcurrentHashMap<>();

    public void registryUpdate(String meterId, RegistryEntry entry) {
        if (entry == null) {
            customerOfMeter.remove(meterId); // tombstone: the meter left the registry
        } else {
            customerOfMeter.put(meterId, entry.customerId());
        }
    }

    public int registeredMeters() {
        return customerOfMeter.size();
    }

    /** The customer of a hint: its key. */
    public String hintCustomer(String key) {
        return key == null || key.isBlank() ? null : key;
    }

    /**
     * Whether an alert is for the utility's staff only ({@link io.kilowatch.model.Alert#STAFF_ONLY_TYPES}):
     * suspected theft and tamper must not tip off the customer. Unreadable alerts are not: they
     * are routed, or counted as unroutable, as before.
     */
    public boolean isStaffOnly(byte[] value) {
        try {
            JsonNode type = JSON.readTree(value).get("type");
            return type != null && type.isTextual() && io.kilowatch.model.Alert.isStaffOnly(type.textValue());
        } catch (Exception notJson) {
            return false;
        }
    }

    /** The customer of an alert, or null when neither the alert nor the registry says (an asset alert, an unknown meter). */
    public String alertCustomer(String key, byte[] value) {
        try {
            JsonNode customer = JSON.readTree(value).get("customerId");
            if (customer != null && customer.isTextual() && !customer.textValue().isBlank()) {
                return customer.textValue();
            }
        } catch (Exception notJson) {
            // fall through to the registry: the key still says which meter it is about
        }
        return key == null ? null : customerOfMeter.get(key);
    }
}

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
     * Where an alert goes, from one reading of its JSON.
     *
     * @param staffOnly the alert is for the utility's staff only ({@link io.kilowatch.model.Alert#STAFF_ONLY_TYPES}):
     *     suspected theft and tamper must not tip off the customer; unreadable alerts are not
     * @param consequence the alert is folded under another alert of its own subject (a spike that is
     *     the same excursion as the meter's over-capacity, {@link io.kilowatch.model.Alert#isConsequence()}):
     *     the customer hears of that one. A meter's outage folded under its area's is not one: it is their supply.
     * @param customerId the alert's {@code customerId}, else its key's customer in the registry; null
     *     when neither says (an asset alert, an unknown meter)
     */
    public record AlertRoute(boolean staffOnly, boolean consequence, String customerId) {}

    public AlertRoute alertRoute(String key, byte[] value) {
        try {
            JsonNode alert = JSON.readTree(value);
            JsonNode type = alert.get("type");
            if (type != null && type.isTextual() && io.kilowatch.model.Alert.isStaffOnly(type.textValue())) {
                return new AlertRoute(true, false, null);
            }
            JsonNode parent = alert.get("parentId");
            JsonNode subject = alert.get("subjectId");
            if (parent != null
                    && parent.isTextual()
                    && subject != null
                    && subject.isTextual()
                    && parent.textValue().startsWith(subject.textValue() + "/")) {
                return new AlertRoute(false, true, null);
            }
            JsonNode customer = alert.get("customerId");
            if (customer != null
                    && customer.isTextual()
                    && !customer.textValue().isBlank()) {
                return new AlertRoute(false, false, customer.textValue());
            }
        } catch (Exception notJson) {
            // fall through to the registry: the key still says which meter it is about
        }
        return new AlertRoute(false, false, key == null ? null : customerOfMeter.get(key));
    }
}

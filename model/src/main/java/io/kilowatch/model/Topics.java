package io.kilowatch.model;

/**
 * Every Kafka topic and MQTT topic pattern of the contract (../shared/DESIGN.md), declared once.
 * Code refers to these constants, never to a name string; Kafka names are defaults that each
 * service's configuration may override.
 */
public final class Topics {
    private Topics() {}

    /** Key: meterId. Value: {@link ReadingCodec#encode(Reading)}. */
    public static final String READINGS = "kw.readings";
    /** Key: source MQTT topic. Value: the original bytes; reason and time in headers ({@link DeadLetterHeaders}). */
    public static final String READINGS_DLQ = "kw.readings.dlq";
    /** Compacted. Key: meterId. Value: registry entry. */
    public static final String REGISTRY = "kw.registry";
    /** Key: meterId or asset id. Value: alert event. */
    public static final String ALERTS = "kw.alerts";
    /** Key: customerId. Value: tariff hint. */
    public static final String HINTS = "kw.hints";
    /** Compacted. Key: plan id. Value: the plan with its versions, as a catalogue of one plan (TariffCodec). */
    public static final String TARIFFS = "kw.tariffs";
    /** Key: meterId. Value: a normalized reading that came after its window closed; header {@code interval}. */
    public static final String LATE = "kw.late";

    /** MQTT: devices publish one reading on {@code meters/{meterId}/reading}. */
    public static final String MQTT_METER_READING = "meters/+/reading";
    /** MQTT: concentrators publish batches on {@code concentrators/{concentratorId}/batch}. */
    public static final String MQTT_CONCENTRATOR_BATCH = "concentrators/+/batch";

    /** MQTT: what goes back to a customer, one topic tree per customer (ACLs can confine each to its own). */
    public static String customerAlertsTopic(String customerId) {
        return "customers/" + customerId + "/alerts";
    }

    public static String customerHintsTopic(String customerId) {
        return "customers/" + customerId + "/hints";
    }

    public static String meterReadingTopic(String meterId) {
        return "meters/" + meterId + "/reading";
    }

    public static String concentratorBatchTopic(String concentratorId) {
        return "concentrators/" + concentratorId + "/batch";
    }

    /**
     * The meterId a {@code meters/{meterId}/…} topic speaks for, or null for any other topic.
     * Used to refuse a device speaking for another meter.
     */
    public static String meterIdOf(String mqttTopic) {
        if (!mqttTopic.startsWith("meters/")) {
            return null;
        }
        int end = mqttTopic.indexOf('/', 7);
        return end < 0 ? null : mqttTopic.substring(7, end);
    }

    /**
     * The concentratorId a {@code concentrators/{concentratorId}/batch} topic speaks for, or null
     * for any other topic. Used to refuse a batch whose body names another concentrator.
     */
    public static String concentratorIdOf(String mqttTopic) {
        if (!mqttTopic.startsWith("concentrators/") || !mqttTopic.endsWith("/batch")) {
            return null;
        }
        int end = mqttTopic.length() - "/batch".length();
        return end <= 14 ? null : mqttTopic.substring(14, end);
    }
}

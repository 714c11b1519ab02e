package io.kilowatch.model;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may connect to the MQTT broker, by name, and how a device's or customer's password is
 * found (docs/security.md). Every account a registry entry implies is named by its kind and id,
 * {@code meter/M1}, {@code concentrator/FZC1}, {@code customer/C1}: an id cannot contain '/', so
 * a meter and a customer that share an id never share an account, and no such name can be one of
 * the service accounts ({@value #INGEST}, {@value #FLEET}, {@value #OPS}).
 *
 * <p>The password of such an account is derived from the fleet's device key, HMAC-SHA256(key,
 * account name): the broker admits a meter the moment the registry names it, and the party that
 * provisions devices (here the simulator) computes the same password without a per-device secret
 * store. Whoever holds the key can act as any device, so it is kept like a CA's private key.
 */
public final class BrokerAccounts {
    /** The ingest service: reads meters' and concentrators' topics, writes customers' topics. */
    public static final String INGEST = "kw-ingest";
    /** A head-end system (the simulator): publishes for a whole fleet of meters and concentrators. */
    public static final String FLEET = "kw-fleet";
    /** Operations: the stack's readiness probe. */
    public static final String OPS = "kw-ops";

    private BrokerAccounts() {}

    public static String meter(String meterId) {
        return "meter/" + meterId;
    }

    public static String concentrator(String concentratorId) {
        return "concentrator/" + concentratorId;
    }

    public static String customer(String customerId) {
        return "customer/" + customerId;
    }

    /**
     * Whether an id can be an account: Mosquitto's password file splits a line at ':' and its ACL
     * file at white space, which registry ids may otherwise contain.
     */
    public static boolean expressible(String id) {
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c == ':' || Character.isWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    /** The password of a registry-derived account: base64url of HMAC-SHA256(device key, account name). */
    public static String password(String deviceKey, String account) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(deviceKey, account));
    }

    /** HMAC-SHA256 of {@code text} under {@code key}, both UTF-8. */
    public static byte[] hmac(String key, String text) {
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("no device key: set mqtt.access.device-key (KW_MQTT_ACCESS_DEVICE_KEY)");
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    }
}

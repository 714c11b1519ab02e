package io.kilowatch.ingest;

import io.kilowatch.model.BrokerAccounts;
import io.kilowatch.model.RegistryEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Mosquitto's password and ACL files as a pure function of the registry, the device key and the
 * service accounts' own lines (docs/security.md): a meter may publish only under
 * {@code meters/{its id}/}, a concentrator only to its batch topic, a customer may read only
 * {@code customers/{its id}/}. The same registry gives byte-for-byte the same files (the salt of
 * a hash is derived, not random), so any number of ingest instances may write them, and a
 * rewrite that changes nothing is recognised and skipped.
 *
 * <p>Hashes are Mosquitto's {@code $6$} (salted SHA-512): the passwords are 256-bit HMACs, which
 * no stretching would make harder to guess, and a fleet of a million meters is hashed in a second
 * rather than the minutes PBKDF2 would take. Each account's line is computed once and kept.
 */
final class BrokerAccessFiles {
    /** What a generation produced; {@code skipped} names ids that cannot be Mosquitto accounts. */
    record Files(String passwd, String acl, int meters, int concentrators, int customers, Collection<String> skipped) {}

    private final String deviceKey;
    private final Map<String, String> passwdLines = new HashMap<>();

    BrokerAccessFiles(String deviceKey) {
        BrokerAccounts.hmac(deviceKey, "check"); // fails now, with the setting's name, not at the first meter
        this.deviceKey = deviceKey;
    }

    Files generate(Collection<RegistryEntry> registry, String staticPasswd, String staticAcl) {
        // Sorted, so the files do not depend on the order the registry was read in.
        Map<String, String> acl = new TreeMap<>();
        TreeSet<String> skipped = new TreeSet<>();
        int meters = 0;
        TreeSet<String> concentrators = new TreeSet<>();
        TreeSet<String> customers = new TreeSet<>();
        for (RegistryEntry e : registry) {
            if (!BrokerAccounts.expressible(e.meterId())) {
                skipped.add(e.meterId());
            } else {
                acl.put(BrokerAccounts.meter(e.meterId()), "topic write meters/" + e.meterId() + "/#\n");
                meters++;
            }
            if (RegistryEntry.isTransformerMeter(e)) {
                continue; // the utility's own meter: no customer reads it over MQTT
            }
            if (!BrokerAccounts.expressible(e.customerId())) {
                skipped.add(e.customerId());
            } else if (customers.add(e.customerId())) {
                acl.put(BrokerAccounts.customer(e.customerId()), "topic read customers/" + e.customerId() + "/#\n");
            }
            String c = e.concentratorId();
            if (c != null) {
                if (!BrokerAccounts.expressible(c)) {
                    skipped.add(c);
                } else if (concentrators.add(c)) {
                    acl.put(BrokerAccounts.concentrator(c), "topic write concentrators/" + c + "/batch\n");
                }
            }
        }
        StringBuilder passwd = new StringBuilder(withNewline(staticPasswd));
        StringBuilder aclText = new StringBuilder(withNewline(staticAcl));
        for (var a : acl.entrySet()) {
            passwd.append(passwdLine(a.getKey())).append('\n');
            aclText.append("user ").append(a.getKey()).append('\n').append(a.getValue());
        }
        return new Files(
                passwd.toString(), aclText.toString(), meters, concentrators.size(), customers.size(), skipped);
    }

    private String passwdLine(String account) {
        return passwdLines.computeIfAbsent(
                account, a -> a + ":" + sha512Hash(BrokerAccounts.password(deviceKey, a), salt(a)));
    }

    private byte[] salt(String account) {
        return Arrays.copyOf(BrokerAccounts.hmac(deviceKey, "salt:" + account), 12);
    }

    /** Mosquitto's {@code $6$}: base64(salt) and base64(SHA-512(password bytes, then salt bytes)). */
    static String sha512Hash(String password, byte[] salt) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-512");
            sha.update(password.getBytes(StandardCharsets.UTF_8));
            sha.update(salt);
            Base64.Encoder b64 = Base64.getEncoder();
            return "$6$" + b64.encodeToString(salt) + "$" + b64.encodeToString(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is part of every Java runtime", e);
        }
    }

    private static String withNewline(String s) {
        return s.isEmpty() || s.endsWith("\n") ? s : s + "\n";
    }
}

package io.kilowatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kilowatch.model.BrokerAccounts;
import io.kilowatch.model.RegistryEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class BrokerAccessFilesTest {
    private static final String KEY = "test-device-key";

    @Test
    void hashIsTheOneMosquittoPasswdWrites() {
        // `mosquitto_passwd -H sha512 -c -b pw alice secret` (Mosquitto 2.0.11) wrote this line.
        String line =
                "$6$mEhIcdu124Zq5u6Z$3nTY1l2kvWiepmEDRmGe5znPQuubuENLwY69X3c6pU7lmFcUtQIyjt8bPCop2N+reeb9W/kXTu5UrMxtK5Ugbw==";
        byte[] salt = Base64.getDecoder().decode("mEhIcdu124Zq5u6Z");
        assertThat(BrokerAccessFiles.sha512Hash("secret", salt)).isEqualTo(line);
    }

    @Test
    void eachKindOfAccountMayUseOnlyItsOwnTopics() {
        BrokerAccessFiles.Files f = new BrokerAccessFiles(KEY)
                .generate(
                        List.of(
                                entry("M1", "C1", "residential", null),
                                entry("M2", "C1", "residential", "FZC1"),
                                entry("TM1", "grid", RegistryEntry.TRANSFORMER_METER, null)),
                        "kw-ingest:$6$x$y\n",
                        "user kw-ingest\ntopic read meters/+/reading\n");
        assertThat(f.acl()).isEqualTo("""
                user kw-ingest
                topic read meters/+/reading
                user concentrator/FZC1
                topic write concentrators/FZC1/batch
                user customer/C1
                topic read customers/C1/#
                user meter/M1
                topic write meters/M1/#
                user meter/M2
                topic write meters/M2/#
                user meter/TM1
                topic write meters/TM1/#
                """);
        assertThat(f.meters()).isEqualTo(3);
        assertThat(f.concentrators()).isEqualTo(1);
        assertThat(f.customers())
                .as("a transformer meter's owner is the utility, not a customer")
                .isEqualTo(1);
        List<String> lines = f.passwd().lines().toList();
        assertThat(lines.get(0)).isEqualTo("kw-ingest:$6$x$y");
        assertThat(lines)
                .extracting(l -> l.substring(0, l.indexOf(':')))
                .containsExactly("kw-ingest", "concentrator/FZC1", "customer/C1", "meter/M1", "meter/M2", "meter/TM1");
    }

    @Test
    void aPasswordLineVerifiesTheDerivedPassword() throws Exception {
        BrokerAccessFiles.Files f =
                new BrokerAccessFiles(KEY).generate(List.of(entry("M1", "C1", "residential", null)), "", "");
        String line = f.passwd()
                .lines()
                .filter(l -> l.startsWith("meter/M1:"))
                .findFirst()
                .orElseThrow();
        String[] parts = line.substring("meter/M1:".length()).split("\\$");
        byte[] salt = Base64.getDecoder().decode(parts[2]);
        MessageDigest sha = MessageDigest.getInstance("SHA-512");
        sha.update(BrokerAccounts.password(KEY, "meter/M1").getBytes(StandardCharsets.UTF_8));
        sha.update(salt);
        assertThat(parts[3]).isEqualTo(Base64.getEncoder().encodeToString(sha.digest()));
    }

    @Test
    void theFilesDependOnTheRegistryNotTheOrderItWasRead() {
        List<RegistryEntry> registry = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            registry.add(entry("M" + i, "C" + i % 7, "residential", i % 3 == 0 ? "FZC" + i % 4 : null));
        }
        BrokerAccessFiles.Files first = new BrokerAccessFiles(KEY).generate(registry, "", "");
        Collections.shuffle(registry, new java.util.Random(7));
        BrokerAccessFiles.Files again = new BrokerAccessFiles(KEY).generate(registry, "", "");
        assertThat(again.passwd()).isEqualTo(first.passwd());
        assertThat(again.acl()).isEqualTo(first.acl());
    }

    @Test
    void idsThatCannotBeAccountsAreSkippedAndNamed() {
        BrokerAccessFiles.Files f = new BrokerAccessFiles(KEY)
                .generate(
                        List.of(entry("M:1", "C 1", "residential", null), entry("M2", "C2", "residential", null)),
                        "",
                        "");
        assertThat(f.skipped()).containsExactly("C 1", "M:1");
        assertThat(f.acl()).doesNotContain("M:1").doesNotContain("C 1").contains("user meter/M2\n");
    }

    private static RegistryEntry entry(String meter, String customer, String cls, String concentrator) {
        RegistryEntry e = new RegistryEntry(meter, customer, cls, "T1", "F1", "R1", "zj-res-tier", 8, 400, 230, 1);
        return concentrator == null ? e : e.withConcentrator(concentrator);
    }
}

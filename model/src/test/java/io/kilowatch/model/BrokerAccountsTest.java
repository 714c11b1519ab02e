package io.kilowatch.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BrokerAccountsTest {
    @Test
    void passwordIsBase64urlOfHmacSha256() {
        // RFC 4231 test case 2: HMAC-SHA256("Jefe", "what do ya want for nothing?") =
        // 5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843, here in base64url.
        assertThat(BrokerAccounts.password("Jefe", "what do ya want for nothing?"))
                .isEqualTo("W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM");
    }

    @Test
    void accountsOfDifferentKindsNeverShareAName() {
        assertThat(BrokerAccounts.meter("X1")).isEqualTo("meter/X1");
        assertThat(BrokerAccounts.customer("X1")).isEqualTo("customer/X1");
        assertThat(BrokerAccounts.concentrator("X1")).isEqualTo("concentrator/X1");
        assertThat(BrokerAccounts.password("k", BrokerAccounts.meter("X1")))
                .isNotEqualTo(BrokerAccounts.password("k", BrokerAccounts.customer("X1")));
    }

    @Test
    void idsMosquittosFilesCannotHoldAreNotAccounts() {
        assertThat(BrokerAccounts.expressible("M-1.a_b")).isTrue();
        assertThat(BrokerAccounts.expressible("M:1")).isFalse();
        assertThat(BrokerAccounts.expressible("M 1")).isFalse();
        assertThat(BrokerAccounts.expressible("M\t1")).isFalse();
    }

    @Test
    void noKeyIsAnErrorNamingTheSetting() {
        assertThatThrownBy(() -> BrokerAccounts.password("", "meter/M1"))
                .hasMessageContaining("mqtt.access.device-key");
    }
}

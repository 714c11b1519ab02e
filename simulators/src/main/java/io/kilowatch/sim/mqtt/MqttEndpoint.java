package io.kilowatch.sim.mqtt;

import io.kilowatch.model.TlsContexts;
import java.nio.charset.StandardCharsets;
import javax.net.SocketFactory;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;

/**
 * A broker and how to log in to it: URL ({@code tcp://} or {@code ssl://}), account, and the
 * trust store that holds the broker's CA for TLS. Every MQTT client of the simulator connects
 * through one of these.
 */
public record MqttEndpoint(String url, String username, String password, String truststore, String truststorePassword) {

    /** A broker without logins (a test's own broker). */
    public static MqttEndpoint anonymous(String url) {
        return new MqttEndpoint(url, null, null, null, null);
    }

    public MqttEndpoint withLogin(String user, String pass) {
        return new MqttEndpoint(url, user, pass, truststore, truststorePassword);
    }

    /** Fresh options with the login and TLS set; the caller adds session settings. */
    public MqttConnectionOptions connectionOptions() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        if (username != null && !username.isEmpty()) {
            o.setUserName(username);
        }
        if (password != null && !password.isEmpty()) {
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        SocketFactory tls =
                TlsContexts.socketFactory(emptyToNull(truststore), emptyToNull(truststorePassword), null, null);
        if (tls != null) {
            o.setSocketFactory(tls);
        }
        return o;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    @Override
    public String toString() { // never print the password
        return url + (username == null ? "" : " as " + username);
    }
}

package io.kilowatch.model;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.SocketFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS socket factories from key stores, for every MQTT client of the project (ingest, the
 * simulator): a trust store says which broker certificates to believe (the stack's own CA), a key
 * store holds a client certificate where the broker asks for one. Stores are PKCS12 or JKS,
 * whatever the JVM's default type reads.
 */
public final class TlsContexts {
    private TlsContexts() {}

    /** Null when neither store is given: the JVM's defaults apply (an {@code ssl://} URL uses them). */
    public static SocketFactory socketFactory(
            String truststore, String truststorePassword, String keystore, String keystorePassword) {
        if (truststore == null && keystore == null) {
            return null;
        }
        try {
            TrustManagerFactory tmf = null;
            if (truststore != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(truststore, truststorePassword));
            }
            KeyManagerFactory kmf = null;
            if (keystore != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(
                        load(keystore, keystorePassword),
                        keystorePassword == null ? new char[0] : keystorePassword.toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("MQTT TLS settings unusable: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String path, String password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        try (InputStream in = Files.newInputStream(Path.of(path))) {
            ks.load(in, password == null ? null : password.toCharArray());
        }
        return ks;
    }
}

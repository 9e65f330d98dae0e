package io.hybridge.cloud.internal.link;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Socket factories for {@code ssl://} and {@code wss://} from the configured truststore (the CAs
 * to trust) and, for brokers that ask for one, the gateway's client certificate. PKCS12 and JKS
 * files are both read ({@link KeyStore#getInstance(java.io.File, char[])} tells them apart).
 */
final class TlsSocketFactories {

    private TlsSocketFactories() {
    }

    /** {@code null} when nothing is configured: Paho then uses the JVM's default TLS setup. */
    static SSLSocketFactory create(CloudSettings.Tls tls) throws LinkException {
        if (tls.truststore() == null && tls.keystore() == null) {
            return null;
        }
        try {
            TrustManagerFactory trust = null;
            if (tls.truststore() != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load("truststore.path", tls.truststore(), tls.truststorePassword()));
            }
            KeyManagerFactory keys = null;
            if (tls.keystore() != null) {
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] password = tls.keystorePassword() == null ? new char[0] : tls.keystorePassword();
                keys.init(load("keystore.path", tls.keystore(), password), password);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new LinkException(LinkException.Kind.OTHER, "TLS setup failed: " + e.getMessage(), e);
        }
    }

    private static KeyStore load(String property, Path file, char[] password) throws LinkException {
        if (!Files.isReadable(file)) {
            throw new LinkException(LinkException.Kind.OTHER, property + " = '" + file
                    + "' cannot be read; expected a PKCS12 or JKS file", null);
        }
        try {
            return KeyStore.getInstance(file.toFile(), password);
        } catch (IOException | GeneralSecurityException e) {
            throw new LinkException(LinkException.Kind.OTHER, property + " = '" + file
                    + "' is not a PKCS12 or JKS keystore this password opens: " + e.getMessage(), e);
        }
    }
}

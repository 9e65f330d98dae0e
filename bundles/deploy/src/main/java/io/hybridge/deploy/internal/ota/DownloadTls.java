package io.hybridge.deploy.internal.ota;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for unit downloads: the JDK's trusted CAs plus those of a PEM file
 * ({@code downloadCaCertificates}), for fleets that serve units from a server with a private CA.
 * Host names are verified as for any HTTPS connection.
 */
final class DownloadTls {

    private DownloadTls() {
    }

    /** {@code null} when no file is configured: the JDK's default trust. */
    static SSLSocketFactory trusting(String pemFile) throws DeployException {
        if (pemFile == null || pemFile.isBlank()) {
            return null;
        }
        Path pem = Path.of(pemFile.trim());
        try {
            Collection<? extends Certificate> extra;
            try (InputStream in = Files.newInputStream(pem)) {
                extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (extra.isEmpty()) {
                throw new DeployException("downloadCaCertificates of " + DeploymentAgent.PID + ": " + pem
                        + " holds no certificate; it must be PEM (-----BEGIN CERTIFICATE-----)");
            }
            KeyStore trust = jdkTrustStore();
            int n = 0;
            for (Certificate certificate : extra) {
                if (!(certificate instanceof X509Certificate)) {
                    continue;
                }
                trust.setCertificateEntry("hybridge-download-ca-" + n++, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DeployException("downloadCaCertificates of " + DeploymentAgent.PID + ": " + pem
                    + " does not exist; it must name a PEM file of CA certificates");
        } catch (IOException | GeneralSecurityException e) {
            throw new DeployException("downloadCaCertificates of " + DeploymentAgent.PID + ": " + pem
                    + " cannot be used (" + e.getMessage() + "); it must be a PEM file of CA certificates");
        }
    }

    /** The CAs the JDK trusts by default (javax.net.ssl.trustStore if set, else the JDK's cacerts). */
    private static KeyStore jdkTrustStore() throws IOException, GeneralSecurityException {
        String configured = System.getProperty("javax.net.ssl.trustStore");
        Path file = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("java.home"), "lib", "security", "cacerts");
        if (Files.isReadable(file)) {
            String password = System.getProperty("javax.net.ssl.trustStorePassword");
            try {
                // no password: certificates only, as the JDK reads its cacerts
                return KeyStore.getInstance(file.toFile(), password == null ? null : password.toCharArray());
            } catch (IOException e) {
                if (password != null) {
                    throw e;
                }
                // a PKCS#12 cacerts whose certificates are protected needs the JDK's well-known password
                return KeyStore.getInstance(file.toFile(), "changeit".toCharArray());
            }
        }
        KeyStore empty = KeyStore.getInstance(KeyStore.getDefaultType());
        empty.load(null, null);
        return empty;
    }
}

package io.hybridge.itests.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Mosquitto (Debian package) playing the cloud broker, on free loopback ports, with
 * username/password authentication and, on request, a TLS listener whose CA and server
 * certificate are generated at test time with openssl. {@link #stop()} and {@link #start()}
 * simulate a broker outage on the same ports.
 */
public final class CloudBroker implements AutoCloseable {

    public static final String USER = "gateway";
    public static final String PASSWORD = "cloud-pass";
    public static final String OPERATOR = "operator";
    public static final String OPERATOR_PASSWORD = "operator-pass";
    public static final char[] TRUSTSTORE_PASSWORD = "trust-pass".toCharArray();

    private final Path dir;
    private final int port;
    private final int tlsPort;
    private Process process;

    private CloudBroker(Path dir, boolean tls) throws IOException {
        this(dir, tls, false);
    }

    private CloudBroker(Path dir, boolean tls, boolean anonymous) throws IOException {
        Engines.requireExecutable("/usr/sbin/mosquitto", "mosquitto");
        this.dir = dir;
        this.port = Ports.free();
        this.tlsPort = tls ? Ports.free() : -1;
        Files.createDirectories(dir);
        Path passwords = dir.resolve("passwords");
        Files.writeString(passwords, "");
        run(List.of("/usr/bin/mosquitto_passwd", "-b", passwords.toString(), USER, PASSWORD));
        run(List.of("/usr/bin/mosquitto_passwd", "-b", passwords.toString(), OPERATOR, OPERATOR_PASSWORD));
        StringBuilder conf = new StringBuilder()
                .append("persistence false\n")
                // started as root (CI), mosquitto would switch to user 'mosquitto', who cannot read the
                // test's private temp dir; as an ordinary user this line has no effect
                .append("user ").append(System.getProperty("user.name")).append('\n')
                .append("allow_anonymous ").append(anonymous).append('\n')
                .append("password_file ").append(passwords).append('\n')
                .append("log_dest file ").append(dir.resolve("mosquitto.log")).append('\n')
                .append("log_type all\n")
                .append("max_inflight_messages 0\n")
                // as a production broker would be tuned for request/response (Kapua's Artemis
                // sets TCP_NODELAY; Mosquitto does not unless told)
                .append("set_tcp_nodelay true\n")
                .append("max_queued_messages 0\n")
                .append("listener ").append(port).append(" 127.0.0.1\n");
        if (tls) {
            generateCertificates();
            conf.append("listener ").append(tlsPort).append(" 127.0.0.1\n")
                    .append("cafile ").append(dir.resolve("ca.pem")).append('\n')
                    .append("certfile ").append(dir.resolve("server.pem")).append('\n')
                    .append("keyfile ").append(dir.resolve("server.key")).append('\n');
        }
        Files.writeString(dir.resolve("mosquitto.conf"), conf.toString());
    }

    /** A broker with a plain listener. */
    public static CloudBroker start(Path dir) throws IOException {
        return new CloudBroker(dir, false).start();
    }

    /**
     * A broker with a plain listener that also lets clients in without a password: for the
     * fleet simulator, whose thousand connections carry no credentials.
     */
    public static CloudBroker startAllowingAnonymous(Path dir) throws IOException {
        return new CloudBroker(dir, false, true).start();
    }

    /** A broker with a plain and a TLS listener. */
    public static CloudBroker startWithTls(Path dir) throws IOException {
        return new CloudBroker(dir, true).start();
    }

    public synchronized CloudBroker start() throws IOException {
        if (process != null && process.isAlive()) {
            return this;
        }
        process = new ProcessBuilder("/usr/sbin/mosquitto", "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.out").toFile()).start();
        Wait.until("mosquitto listening on " + port, Duration.ofSeconds(10),
                () -> Ports.listening(port) && (tlsPort < 0 || Ports.listening(tlsPort)) ? true : null);
        return this;
    }

    /** Stops the broker the hard way (SIGKILL): clients see their connection drop. */
    public synchronized void stop() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            Wait.until("port " + port + " free", Duration.ofSeconds(10), () -> Ports.listening(port) ? null : true);
        }
    }

    public String uri() {
        return "tcp://127.0.0.1:" + port;
    }

    public String tlsUri() {
        if (tlsPort < 0) {
            throw new IllegalStateException("this broker has no TLS listener");
        }
        return "ssl://127.0.0.1:" + tlsPort;
    }

    public int port() {
        return port;
    }

    /** PKCS12 truststore holding the test CA, for the gateway's truststore.path. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("mosquitto.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private void generateCertificates() throws IOException {
        Path ca = dir.resolve("ca.pem");
        Path caKey = dir.resolve("ca.key");
        Path key = dir.resolve("server.key");
        Path csr = dir.resolve("server.csr");
        Path ext = dir.resolve("server.ext");
        Files.writeString(ext, "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                "/CN=Hybridge test CA", "-keyout", caKey.toString(), "-out", ca.toString()));
        run(List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
                key.toString(), "-out", csr.toString()));
        run(List.of("openssl", "x509", "-req", "-in", csr.toString(), "-CA", ca.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "2", "-extfile", ext.toString(), "-out", dir.resolve("server.pem").toString()));
        try (InputStream in = Files.newInputStream(ca); OutputStream out = Files.newOutputStream(truststore())) {
            Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("hybridge-test-ca", certificate);
            store.store(out, TRUSTSTORE_PASSWORD);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot write the test truststore", e);
        }
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        try {
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}

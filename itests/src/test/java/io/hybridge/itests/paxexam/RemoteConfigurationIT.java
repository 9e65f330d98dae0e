package io.hybridge.itests.paxexam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration.ConfigurationAttribute;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.cloud.CloudRequest;
import io.hybridge.api.cloud.CloudResponse;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.RequestHandler;
import io.hybridge.api.cloud.Verb;

/**
 * The config bundle with the real Felix Config Admin, Metatype, SCR and HTTP: CONF-V2
 * updates validated against Metatype read from a bundle's XML, a change that Config Admin
 * refuses half-way undone, snapshots and rollback of factory configurations, and the same
 * actions over {@code /api/config/v2} behind the admin login of the console bundle.
 *
 * <p>The infrastructure bundles come from the built distribution's feature documents; the
 * Hybridge bundles under test (api, console, config) from their module's {@code target/},
 * because the config bundle is not in a feature yet. A bundle made here carries the
 * Metatype of the test components.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RemoteConfigurationIT {

    private static final String GADGET = "io.hybridge.itest.gadget";
    private static final String RELAY = "io.hybridge.itest.relay";
    private static final String SENSOR = "io.hybridge.itest.sensor";

    /** Metatype of the test components, as a bundle would ship it. */
    private static final String METATYPE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <metatype:MetaData xmlns:metatype="http://www.osgi.org/xmlns/metatype/v1.4.0">
              <OCD id="itest.Gadget" name="Gadget">
                <AD id="port" type="Integer" min="1" max="65535" default="8080"/>
                <AD id="label" type="String" default="gadget"/>
                <AD id="token" type="Password" required="false"/>
                <AD id="mode" type="String" default="a"><Option label="A" value="a"/><Option label="B" value="b"/></AD>
              </OCD>
              <OCD id="itest.Relay" name="Relay">
                <AD id="name" type="String" default="relay"/>
              </OCD>
              <OCD id="itest.Sensor" name="Sensor">
                <AD id="topic" type="String"/>
                <AD id="interval" type="Integer" min="1" default="10"/>
              </OCD>
              <Designate pid="io.hybridge.itest.gadget"><Object ocdref="itest.Gadget"/></Designate>
              <Designate pid="io.hybridge.itest.relay"><Object ocdref="itest.Relay"/></Designate>
              <Designate factoryPid="io.hybridge.itest.sensor"><Object ocdref="itest.Sensor"/></Designate>
            </metatype:MetaData>
            """;

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() throws IOException {
        Path dist = Path.of(System.getProperty("hybridge.dist", "../distribution/target/hybridge")).toAbsolutePath();
        Path bundlesUnderTest = Path.of(System.getProperty("hybridge.bundles", "../bundles")).toAbsolutePath();
        Path work = Files.createTempDirectory("hybridge-config-it");
        Files.createDirectories(work.resolve("deploy"));
        int httpPort = freePort();

        List<Option> bundles = new ArrayList<>();
        for (String feature : List.of("core", "console")) {
            JsonNode document = new ObjectMapper().readTree(dist.resolve("etc/features/" + feature + ".json").toFile());
            for (JsonNode entry : document.path("bundles")) {
                String[] gav = entry.path("id").asText().split(":");
                if (gav[0].equals("io.hybridge")) {
                    continue; // the Hybridge bundles under test come fresh from their modules
                }
                Path jar = dist.resolve("bundles/" + gav[0].replace('.', '/') + "/" + gav[1] + "/" + gav[2] + "/"
                        + gav[1] + "-" + gav[2] + ".jar");
                bundles.add(bundle(jar.toUri().toString()).startLevel(entry.path("start-order").asInt(2)).start());
            }
        }
        for (String module : List.of("api", "console", "config")) {
            bundles.add(bundle(moduleJar(bundlesUnderTest.resolve(module)).toUri().toString()).startLevel(2).start());
        }
        bundles.add(bundle(metatypeBundle(work).toUri().toString()).startLevel(2).start());

        String slf4j = System.getProperty("slf4j.version");
        String logback = System.getProperty("logback.version");
        return options(
                systemProperty("org.ops4j.pax.url.mvn.localRepository").value(System.getProperty("user.home") + "/.m2/repository"),
                systemProperty("org.ops4j.pax.url.mvn.repositories").value("https://repo1.maven.org/maven2@id=central"),
                systemPackages("org.slf4j;version=" + slf4j, "org.slf4j;version=1.7.36", "org.slf4j.spi;version=" + slf4j,
                        "org.slf4j.event;version=" + slf4j, "org.slf4j.helpers;version=" + slf4j,
                        "org.slf4j.helpers;version=1.7.36", "ch.qos.logback.classic;version=" + logback,
                        "ch.qos.logback.classic.spi;version=" + logback, "ch.qos.logback.core;version=" + logback,
                        "sun.misc"),
                frameworkProperty("org.osgi.service.http.port").value(Integer.toString(httpPort)),
                frameworkProperty("org.apache.felix.http.host").value("127.0.0.1"),
                frameworkProperty("hybridge.var").value(work.resolve("var").toString()),
                frameworkProperty("felix.fileinstall.dir").value(work.resolve("deploy").toString()),
                frameworkProperty("felix.webconsole.security.providers").value("hybridge"),
                composite(bundles.toArray(new Option[0])),
                junitBundles());
    }

    // ------------------------------------------------------------------ CONF-V2 with the real services

    @Test
    public void anUpdateIsCheckedAgainstTheBundlesMetatypeAppliedAndSnapshotted() throws Exception {
        deleteConfiguration(GADGET); // the tests share one framework
        CloudResponse bad = confV2(Verb.PUT, "configurableComponents/configurations/_update",
                update(GADGET, "\"port\": {\"type\": \"INTEGER\", \"value\": \"abc\"}, \"mode\": {\"value\": \"c\"}"));
        assertEquals(bad.exceptionMessage(), 400, bad.code());
        assertEquals("io.hybridge.itest.gadget: port = \"abc\" is not an Integer; expected an integer in 1..65535;"
                + " io.hybridge.itest.gadget: mode = \"c\" is not an allowed value; expected one of \"a\", \"b\"",
                bad.exceptionMessage());
        assertNull("nothing applied", properties(GADGET));

        CloudResponse ok = confV2(Verb.PUT, "configurableComponents/configurations/_update",
                update(GADGET, "\"port\": {\"type\": \"INTEGER\", \"value\": 9090}, \"token\": {\"value\": \"t0ken\"}"));
        assertEquals(ok.exceptionMessage(), 200, ok.code());

        Dictionary<String, Object> stored = properties(GADGET);
        assertEquals(9090, stored.get("port"));
        assertEquals("new configuration gets the Metatype defaults", "gadget", stored.get("label"));
        assertEquals("t0ken", stored.get("token"));
        Path snapshots = snapshotDirectory();
        List<Path> files = snapshotFiles(snapshots);
        assertFalse("a snapshot after the change", files.isEmpty());
        for (Path file : files) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        }
        Map<String, Object> shown = json(confV2(Verb.POST, "configurableComponents/configurations/byPid",
                "{\"pids\": [\"" + GADGET + "\"]}"));
        assertTrue("password masked: " + shown, JSON.std.asString(shown).contains("\"token\":{\"type\":\"PASSWORD\","
                + "\"value\":\"placeholder\"}"));
        assertFalse(JSON.std.asString(shown).contains("t0ken"));
    }

    @Test
    public void aChangeConfigAdminRefusesHalfWayIsUndone() throws Exception {
        configAdmin.getConfiguration(GADGET, "?").update(new Hashtable<>(Map.of("port", 1234, "label", "before")));
        org.osgi.service.cm.Configuration relay = configAdmin.getConfiguration(RELAY, "?");
        relay.update(new Hashtable<>(Map.of("name", "fixed")));
        relay.addAttributes(ConfigurationAttribute.READ_ONLY);
        try {
            CloudResponse response = confV2(Verb.PUT, "configurableComponents/configurations/_update",
                    "{\"configs\": [" + config(GADGET, "\"label\": {\"value\": \"after\"}") + ", "
                            + config(RELAY, "\"name\": {\"value\": \"changed\"}") + "]}");

            assertEquals(response.exceptionMessage(), 500, response.code());
            assertTrue(response.exceptionMessage(), response.exceptionMessage().startsWith(
                    "Config Admin refused to update io.hybridge.itest.relay: "));
            assertTrue(response.exceptionMessage(), response.exceptionMessage().endsWith(
                    "nothing was changed: the 1 change(s) already applied were undone"));
            assertEquals("the first update was undone", "before", properties(GADGET).get("label"));
            assertEquals("fixed", properties(RELAY).get("name"));
        } finally {
            relay.removeAttributes(ConfigurationAttribute.READ_ONLY);
        }
    }

    @Test
    public void rollbackRestoresConfigurationsAndFactoryConfigurations() throws Exception {
        configAdmin.getConfiguration(GADGET, "?").update(new Hashtable<>(Map.of("port", 1111, "label", "snapshotted")));
        long id = ((Number) json(confV2(Verb.EXEC, "snapshots/_write", null)).get("id")).longValue();

        CloudResponse created = confV2(Verb.POST, "factoryComponents", "{\"configs\": [{\"factoryPid\": \"" + SENSOR
                + "\", \"pid\": \"s1\", \"properties\": {\"topic\": {\"type\": \"STRING\", \"value\": \"sensors/s1\"}}}]}");
        assertEquals(created.exceptionMessage(), 200, created.code());
        assertEquals("named factory configuration", "sensors/s1", properties(SENSOR + "~s1").get("topic"));
        assertEquals(10, properties(SENSOR + "~s1").get("interval"));
        assertEquals(200, confV2(Verb.PUT, "configurableComponents/configurations/_update",
                update(GADGET, "\"label\": {\"value\": \"changed\"}")).code());

        CloudResponse undo = confV2(Verb.EXEC, "snapshots/_rollback", null);
        assertEquals(undo.exceptionMessage(), 200, undo.code());
        assertEquals("the last change undone", "snapshotted", properties(GADGET).get("label"));
        assertNotNull("the change before it stays", properties(SENSOR + "~s1"));

        CloudResponse back = confV2(Verb.EXEC, "snapshots/byId/_rollback", "{\"id\": " + id + "}");
        assertEquals(back.exceptionMessage(), 200, back.code());
        assertNull("created after the snapshot: deleted", properties(SENSOR + "~s1"));
        assertEquals(1111, properties(GADGET).get("port"));

        Map<String, Object> ids = json(confV2(Verb.GET, "snapshots", null));
        assertTrue(ids.toString(), ((List<?>) ids.get("ids")).size() >= 3);
    }

    // ------------------------------------------------------------------ the HTTP API in the console's context

    @Test
    public void theHttpApiNeedsTheAdminLoginAndSharesTheCodePath() throws Exception {
        String base = "http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/api/config/v2/";
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        HttpResponse<String> anonymous = awaitServed(http, base + "configurableComponents", null);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="));
        assertEquals(401, send(http, "GET", base + "configurableComponents", "admin:wrong", null).statusCode());

        String admin = "admin:" + adminPassword();
        HttpResponse<String> pids = send(http, "GET", base + "configurableComponents", admin, null);
        assertEquals(pids.body(), 200, pids.statusCode());
        assertTrue(pids.body(), pids.body().contains("\"" + GADGET + "\""));
        assertEquals("application/json", pids.headers().firstValue("Content-Type").orElse("").split(";")[0]);

        HttpResponse<String> bad = send(http, "PUT", base + "configurableComponents/configurations/_update", admin,
                update(GADGET, "\"port\": {\"value\": 70000}"));
        assertEquals(400, bad.statusCode());
        assertEquals("{\"error\":\"io.hybridge.itest.gadget: port = 70000 is out of range;"
                + " expected an integer in 1..65535\"}", bad.body());

        HttpResponse<String> written = send(http, "POST", base + "snapshots/_write", admin, null);
        assertEquals(written.body(), 200, written.statusCode());
        assertTrue(written.body(), written.body().matches("\\{\"id\":\\d+}"));

        HttpResponse<String> created = send(http, "POST", base + "factoryComponents", admin, "{\"configs\": [{\"factoryPid\": \""
                + SENSOR + "\", \"pid\": \"http1\", \"properties\": {\"topic\": {\"value\": \"t\"}}}]}");
        assertEquals(created.body(), 200, created.statusCode());
        assertNotNull(properties(SENSOR + "~http1"));
        HttpResponse<String> deleted = send(http, "DELETE", base + "factoryComponents/byPid", admin,
                "{\"pids\": [\"" + SENSOR + "~http1\"]}");
        assertEquals(deleted.body(), 200, deleted.statusCode());
        assertNull(properties(SENSOR + "~http1"));

        HttpResponse<String> unknown = send(http, "GET", base + "nothing/here", admin, null);
        assertEquals(404, unknown.statusCode());
        assertTrue(unknown.body(), unknown.body().startsWith("{\"error\":\"no CONF-V2 resource GET/nothing/here"));

        String console = "http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/system/console/bundles";
        assertEquals("the web console still needs the login", 401, awaitServed(http, console, null).statusCode());
        assertEquals(200, send(http, "GET", console, admin, null).statusCode());
    }

    @Test
    public void aGuesserLockedOutOfTheApiIsLockedOutOfTheConsoleToo() throws Exception {
        int port = Integer.parseInt(context.getProperty("org.osgi.service.http.port"));
        awaitServed(HttpClient.newHttpClient(), "http://127.0.0.1:" + port + "/api/config/v2/snapshots", null);
        // from an address of its own, so that the lockout does not touch the other tests
        for (int attempt = 1; attempt <= 5; attempt++) {
            assertTrue("failed attempt " + attempt, rawGet("127.0.0.2", port, "/api/config/v2/snapshots", "admin:guess")
                    .startsWith("HTTP/1.1 401"));
        }
        String locked = rawGet("127.0.0.2", port, "/system/console/bundles", "admin:" + adminPassword());
        assertTrue(locked, locked.startsWith("HTTP/1.1 429"));
        assertTrue(locked, locked.contains("Retry-After:"));
    }

    /** A GET from a chosen loopback address (the JDK's HTTP client cannot choose one). */
    private static String rawGet(String fromAddress, int port, String path, String credentials) throws IOException {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getByName("127.0.0.1"), port,
                java.net.InetAddress.getByName(fromAddress), 0)) {
            socket.setSoTimeout(30_000);
            String request = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)) + "\r\n\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    // ------------------------------------------------------------------ helpers

    private CloudResponse confV2(Verb verb, String path, String body) throws Exception {
        ServiceTracker<RequestHandler, RequestHandler> tracker = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + RequestHandler.class.getName() + ")("
                        + RequestHandler.APP_ID + "=CONF-V2))"), null);
        tracker.open();
        try {
            RequestHandler handler = tracker.waitForService(30_000);
            assertNotNull("no CONF-V2 request handler within 30 s", handler);
            KuraPayload.Builder payload = KuraPayload.builder();
            if (body != null) {
                payload.body(body.getBytes(StandardCharsets.UTF_8));
            }
            return handler.handle(new CloudRequest("CONF-V2", verb, List.of(path.split("/")), "it-1", "itest",
                    payload.build()));
        } finally {
            tracker.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(CloudResponse response) throws IOException {
        assertEquals(response.exceptionMessage(), 200, response.code());
        return (Map<String, Object>) JSON.std.anyFrom(new String(response.payload().body(), StandardCharsets.UTF_8));
    }

    private static String update(String pid, String properties) {
        return "{\"configs\": [" + config(pid, properties) + "]}";
    }

    private static String config(String pid, String properties) {
        return "{\"pid\": \"" + pid + "\", \"properties\": {" + properties + "}}";
    }

    private Dictionary<String, Object> properties(String pid) throws Exception {
        org.osgi.service.cm.Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
        return found == null ? null : found[0].getProperties();
    }

    private void deleteConfiguration(String pid) throws Exception {
        org.osgi.service.cm.Configuration[] found = configAdmin.listConfigurations("(service.pid=" + pid + ")");
        if (found != null) {
            found[0].delete();
        }
    }

    private Path snapshotDirectory() {
        return Path.of(context.getProperty("hybridge.var"), "snapshots");
    }

    private static List<Path> snapshotFiles(Path directory) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory, "snapshot_*.json")) {
            stream.forEach(files::add);
        }
        return files;
    }

    private String adminPassword() throws Exception {
        Path file = Path.of(context.getProperty("hybridge.var"), "admin.password");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.isRegularFile(file)) {
            assertTrue("no " + file + " within 30 s", System.nanoTime() < deadline);
            Thread.sleep(50); // poll interval of a deadline-bounded wait (the Pax Exam probe has no support.Wait); no file-appeared event to wait on
        }
        return Files.readString(file).trim();
    }

    /** Waits until the whiteboard serves the API (the console's context and the servlet come up asynchronously). */
    private static HttpResponse<String> awaitServed(HttpClient http, String url, String credentials) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HttpResponse<String> last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = send(http, "GET", url, credentials, null);
                if (last.statusCode() != 404 && last.statusCode() != 503) {
                    return last;
                }
            } catch (IOException notListeningYet) {
                // Jetty is still starting
            }
            Thread.sleep(100); // poll interval of a deadline-bounded wait: the whiteboard gives the client no readiness signal
        }
        throw new AssertionError(url + " not served within 30 s; last answer "
                + (last == null ? "none" : last.statusCode() + " " + last.body()));
    }

    private static HttpResponse<String> send(HttpClient http, String method, String url, String credentials, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (credentials != null) {
            request.header("Authorization", "Basic "
                    + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Path moduleJar(Path module) throws IOException {
        String name = module.getFileName().toString();
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(module.resolve("target"), "hybridge-" + name + "-*.jar")) {
            for (Path jar : jars) {
                String file = jar.getFileName().toString();
                if (!file.endsWith("-sources.jar") && !file.endsWith("-javadoc.jar") && !file.endsWith("-tests.jar")) {
                    return jar;
                }
            }
        }
        throw new IOException("no bundle jar in " + module.resolve("target") + "; build it first (mvn install -pl bundles/"
                + name + ")");
    }

    private static Path metatypeBundle(Path dir) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "io.hybridge.itest.metatype");
        main.putValue("Bundle-Version", "1.0.0");
        Path jar = dir.resolve("itest-metatype.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out, manifest)) {
            zip.putNextEntry(new ZipEntry("OSGI-INF/metatype/itest.xml"));
            zip.write(METATYPE.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return jar;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

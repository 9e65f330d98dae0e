package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.itests.support.CloudBroker;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.KapuaClient;
import io.hybridge.itests.support.Mosquitto;
import io.hybridge.itests.support.Wait;
import io.hybridge.itests.wire.KuraPayloadProto.KuraPayload;
import io.hybridge.itests.wire.KuraPayloadProto.KuraPayload.KuraMetric;
import io.hybridge.itests.wire.KuraPayloadProto.KuraPayload.KuraMetric.ValueType;

/**
 * A Hybridge self-update as a DEPLOY-V2 unit, end to end: the built distribution repacked as
 * another version ({@code hybridge-<version>.tar.gz}), signed with a fleet key made here, served
 * over loopback HTTP with Range, requested by a fleet operator speaking Kura's protobuf through a
 * Mosquitto cloud broker; the gateway stages it into a slot, restarts into it under trial, and
 * its deploy bundle confirms it or the launcher falls back.
 */
class SelfUpdateOverCloudIT {
    private static final Duration DEADLINE = Duration.ofSeconds(240);
    private static final String ACCOUNT = "acme";
    private static final String APP = "DEPLOY-V2";

    @TempDir
    Path dir;

    private final KeyPair fleetKey = ed25519();

    /**
     * Asserts: the signed archive of version 0.1.0-ota2 ends COMPLETED (notified to the requester
     * after the restart), the gateway runs the new slot ({@code var/slots/current}, confirmed by
     * the deploy bundle, not the launcher: history shows the trial confirmed), and the BIRTH after
     * the restart says {@code firmware_version=hybridge-0.1.0-ota2}.
     */
    @Test
    void aSignedSelfUpdateRestartsIntoTheNewSlotAndCompletes() throws Exception {
        Mosquitto.require();
        String gw = "gw-selfupdate";
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                OtaOverCloudIT.UnitServer units = new OtaOverCloudIT.UnitServer();
                KapuaClient kapua = new KapuaClient(broker, "$EDC/" + ACCOUNT + "/" + gw + "/MQTT/#");
                GatewayProcess gateway = gateway(broker, gw, 120)) {
            kapua.subscribe("$EDC/" + ACCOUNT + "/" + kapua.clientId() + "/" + APP + "/#");
            startAndAwaitOta(gateway);
            byte[] archive = Files.readAllBytes(newVersion("0.1.0-ota2", null));
            units.put("hybridge-0.1.0-ota2.tar.gz", archive);

            long job = install(kapua, gw, units, "hybridge-0.1.0-ota2.tar.gz", archive, "0.1.0-ota2", 501);
            KapuaClient.Received done = awaitInstall(kapua, job, "COMPLETED", gateway);
            assertThat(done.metric("dp.version")).isEqualTo("0.1.0-ota2");

            String slot = "u" + HexFormat.of().formatHex(sha256(archive)).substring(0, 12);
            assertThat(slotFile(gateway, "current")).isEqualTo(slot);
            assertThat(Files.readString(gateway.home().resolve("var/slots/history.json"))).contains("\"" + slot + "\"")
                    .containsIgnoringCase("confirmed");
            assertThat(gateway.log()).contains("passed the self-update health gate; confirmed");
            Wait.until("a BIRTH with firmware_version hybridge-0.1.0-ota2", DEADLINE, () -> kapua.received().stream()
                    .anyMatch(r -> r.topic().endsWith("/MQTT/BIRTH") && "hybridge-0.1.0-ota2".equals(r.metric("firmware_version"))));
            assertThat(request(kapua, gw, "GET/download", Map.of()).metric("dp.install.status")).isEqualTo("COMPLETED");
        }
    }

    /**
     * Asserts: an archive whose extra feature holds a bundle that never resolves passes staging
     * (it is a complete distribution) but not the new slot's health gate: the deploy bundle
     * records why in {@code var/slots/failed/<slot>}, the launcher falls back at once (it halts
     * with status 12 when that file appears), and the old slot's deploy bundle reports ROLLED_BACK naming the bundle; the old
     * version runs (factory slot, BIRTH with its version).
     */
    @Test
    void aSelfUpdateThatNeverGetsHealthyIsRolledBackWithTheReason() throws Exception {
        Mosquitto.require();
        String gw = "gw-selfupdate-broken";
        String factoryVersion = factoryVersion();
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                OtaOverCloudIT.UnitServer units = new OtaOverCloudIT.UnitServer();
                KapuaClient kapua = new KapuaClient(broker, "$EDC/" + ACCOUNT + "/" + gw + "/MQTT/#");
                GatewayProcess gateway = gateway(broker, gw, 45)) {
            kapua.subscribe("$EDC/" + ACCOUNT + "/" + kapua.clientId() + "/" + APP + "/#");
            startAndAwaitOta(gateway);
            byte[] archive = Files.readAllBytes(newVersion("0.1.0-unhealthy", "io.hybridge.test.unresolvable"));
            units.put("hybridge-0.1.0-unhealthy.tar.gz", archive);

            long job = install(kapua, gw, units, "hybridge-0.1.0-unhealthy.tar.gz", archive, "0.1.0-unhealthy", 502);
            KapuaClient.Received rolledBack = awaitInstall(kapua, job, "ROLLED_BACK", gateway);
            assertThat((String) rolledBack.metric("dp.install.error.message"))
                    .contains("io.hybridge.test.unresolvable").contains("previous version " + factoryVersion);
            assertThat(slotFile(gateway, "current")).isEqualTo("factory");
            assertThat(gateway.log()).as("the launcher ended the trial on the gate's failure, not at its deadline")
                    .contains("failed its health gate").contains("halting so that bin/hybridge starts slot factory");
            Wait.until("a BIRTH with firmware_version hybridge-" + factoryVersion + " after the fallback", DEADLINE,
                    () -> {
                        List<KapuaClient.Received> births = kapua.received().stream()
                                .filter(r -> r.topic().endsWith("/MQTT/BIRTH")).toList();
                        return !births.isEmpty() && ("hybridge-" + factoryVersion).equals(
                                births.get(births.size() - 1).metric("firmware_version"));
                    });
        }
    }

    // ---- the gateway and the fleet operator -------------------------------------------------

    private GatewayProcess gateway(CloudBroker broker, String gw, int trialSeconds) throws IOException {
        GatewayProcess gateway = GatewayProcess.install(dir, gw)
                .env("HYBRIDGE_CLOUD_URI", broker.uri())
                .env("HYBRIDGE_ACCOUNT", ACCOUNT)
                .env("HYBRIDGE_CLIENT_ID", gw)
                .env("HYBRIDGE_CLOUD_USERNAME", CloudBroker.USER)
                .env("HYBRIDGE_CLOUD_PASSWORD", CloudBroker.PASSWORD)
                .env("HYBRIDGE_JAVA_OPTS", "-Dhybridge.selfupdate.trial.seconds=" + trialSeconds);
        Files.writeString(gateway.home().resolve("etc/config/io.hybridge.deploy.config"), """
                trustedKeys=["%s"]
                healthGateSeconds=I"60"
                """.formatted(Base64.getEncoder().encodeToString(fleetKey.getPublic().getEncoded())));
        return gateway;
    }

    private void startAndAwaitOta(GatewayProcess gateway) throws IOException {
        gateway.startAndAwaitReady();
        String keyId = keyId(fleetKey);
        Wait.until("the OTA agent trusting key " + keyId + " in /health", Duration.ofSeconds(90),
                () -> gateway.health().toString().contains(keyId));
    }

    private long install(KapuaClient kapua, String gw, OtaOverCloudIT.UnitServer units, String file, byte[] content,
            String version, long job) {
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("dp.uri", units.uri(file));
        metrics.put("dp.name", "hybridge");
        metrics.put("dp.version", version);
        metrics.put("job.id", job);
        metrics.put("dp.download.protocol", "HTTP");
        metrics.put("dp.download.hash", "SHA-256:" + HexFormat.of().formatHex(sha256(content)));
        metrics.put("dp.install", true);
        metrics.put("dp.install.system.update", true);
        metrics.put("dp.signature", sign(fleetKey, content));
        metrics.put("dp.signature.key", keyId(fleetKey));
        KapuaClient.Received reply = request(kapua, gw, "EXEC/download", metrics);
        assertThat(reply.metric("response.code")).as(String.valueOf(reply.metric("response.exception.message"))).isEqualTo(200);
        return job;
    }

    private static KapuaClient.Received awaitInstall(KapuaClient kapua, long job, String status, GatewayProcess gateway) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        try {
            while (true) {
                KapuaClient.Received notification = kapua.await("install notification of job " + job,
                        Duration.ofNanos(Math.max(1, end - System.nanoTime())),
                        topic -> topic.contains("/" + APP + "/NOTIFY/") && topic.endsWith("/install"));
                if (!Long.valueOf(job).equals(notification.metric("job.id"))) {
                    continue;
                }
                Object now = notification.metric("dp.install.status");
                if (status.equals(now)) {
                    return notification;
                }
                assertThat(now).as("install of job %d: %s", job, notification.metric("dp.install.error.message"))
                        .isEqualTo("IN_PROGRESS");
            }
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nslots: " + slotsListing(gateway) + "\nlog:\n" + gateway.log(), e);
        }
    }

    private static KapuaClient.Received request(KapuaClient kapua, String gw, String verbAndResources,
            Map<String, Object> metrics) {
        try {
            String requestId = UUID.randomUUID().toString();
            KuraPayload.Builder payload = KuraPayload.newBuilder().setTimestamp(System.currentTimeMillis())
                    .addMetric(KapuaClient.string("request.id", requestId))
                    .addMetric(KapuaClient.string("requester.client.id", kapua.clientId()));
            metrics.forEach((name, value) -> payload.addMetric(metric(name, value)));
            kapua.publish("$EDC/" + ACCOUNT + "/" + gw + "/" + APP + "/" + verbAndResources, payload.build().toByteArray());
            String reply = "$EDC/" + ACCOUNT + "/" + kapua.clientId() + "/" + APP + "/REPLY/" + requestId;
            return kapua.await("reply to " + verbAndResources, Duration.ofSeconds(30), reply::equals);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static KuraMetric metric(String name, Object value) {
        KuraMetric.Builder metric = KuraMetric.newBuilder().setName(name);
        if (value instanceof Long l) {
            return metric.setType(ValueType.INT64).setLongValue(l).build();
        }
        if (value instanceof Boolean b) {
            return metric.setType(ValueType.BOOL).setBoolValue(b).build();
        }
        return metric.setType(ValueType.STRING).setStringValue(String.valueOf(value)).build();
    }

    // ---- archives ---------------------------------------------------------------------------

    private static String factoryVersion() throws IOException {
        return Files.readAllLines(GatewayProcess.distribution().resolve("etc/framework.properties")).stream()
                .filter(line -> line.startsWith("hybridge.version=")).findFirst().orElseThrow()
                .substring("hybridge.version=".length()).strip();
    }

    /**
     * The built distribution as another version, packed like {@code hybridge-<version>.tar.gz}; with
     * {@code unresolvable} set, an extra feature holding a bundle of that name whose import nothing
     * exports (a complete archive the stager accepts, a slot that never gets healthy).
     */
    private Path newVersion(String version, String unresolvable) throws Exception {
        Path dist = GatewayProcess.distribution();
        Path root = Files.createDirectories(dir.resolve("build-" + version));
        Path top = root.resolve("hybridge-" + version);
        for (String part : List.of("lib", "bundles", "etc/features", "bin")) {
            copyTree(dist.resolve(part), top.resolve(part));
        }
        String properties = Files.readString(dist.resolve("etc/framework.properties"), StandardCharsets.UTF_8)
                .replaceAll("(?m)^hybridge\\.version=.*$", "hybridge.version=" + version);
        if (unresolvable != null) {
            Path jar = top.resolve("bundles/io/hybridge/test/unresolvable/1.0.0/unresolvable-1.0.0.jar");
            Files.createDirectories(jar.getParent());
            Files.write(jar, unresolvableBundle(unresolvable));
            Files.writeString(top.resolve("etc/features/broken.json"), """
                    {
                      "feature-resource-version": "1.0",
                      "id": "io.hybridge.test:broken:osgifeature:1.0.0",
                      "bundles": [ { "id": "io.hybridge.test:unresolvable:1.0.0", "start-order": 3 } ]
                    }
                    """);
            properties = properties.replaceAll("(?m)^(hybridge\\.features=.*)$", "$1,broken");
        }
        Files.writeString(top.resolve("etc/framework.properties"), properties);
        Path archive = dir.resolve("hybridge-" + version + ".tar.gz");
        Process tar = new ProcessBuilder("tar", "--format=posix", "-czf", archive.toString(), "-C", root.toString(),
                top.getFileName().toString()).redirectErrorStream(true).start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        return archive;
    }

    private static byte[] unresolvableBundle(String bsn) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", bsn);
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "io.example.nobody.exports.this");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            // a manifest is all it needs
        }
        return bytes.toByteArray();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static String slotFile(GatewayProcess gateway, String name) throws IOException {
        Path file = gateway.home().resolve("var/slots").resolve(name);
        return Files.exists(file) ? Files.readString(file).lines().findFirst().orElse("").strip() : "factory";
    }

    private static String slotsListing(GatewayProcess gateway) {
        StringBuilder text = new StringBuilder();
        Path slots = gateway.home().resolve("var/slots");
        if (!Files.isDirectory(slots)) {
            return "(no var/slots)";
        }
        try (Stream<Path> files = Files.walk(slots, 2)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(file) && !file.toString().contains("/lib/")) {
                    text.append('\n').append(slots.relativize(file)).append(": ").append(Files.readString(file).strip());
                }
            }
        } catch (IOException e) {
            text.append(e);
        }
        return text.toString();
    }

    // ---- the fleet key ----------------------------------------------------------------------

    private static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String keyId(KeyPair pair) {
        return HexFormat.of().formatHex(sha256(pair.getPublic().getEncoded())).substring(0, 16);
    }

    private static String sign(KeyPair pair, byte[] unit) {
        try {
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(pair.getPrivate());
            signer.update(sha256(unit));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}

package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.hybridge.itests.support.CloudBroker;
import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.KapuaClient;
import io.hybridge.itests.support.Mosquitto;
import io.hybridge.itests.support.Wait;
import io.hybridge.itests.wire.KuraPayloadProto.KuraPayload;
import io.hybridge.itests.wire.KuraPayloadProto.KuraPayload.KuraMetric;
import io.hybridge.itests.wire.KuraPayloadProto.KuraPayload.KuraMetric.ValueType;

/**
 * OTA end to end (DEPLOY-V2): a real gateway distribution, a Mosquitto cloud broker, a fleet
 * operator speaking Kura's protobuf ({@link KapuaClient}, no gateway code) and units served by a
 * loopback HTTP server with {@code Range} support, signed with an Ed25519 fleet key made here.
 */
class OtaOverCloudIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final String ACCOUNT = "acme";
    private static final String APP = "DEPLOY-V2";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final KeyPair fleetKey = ed25519();
    private final AtomicInteger jobs = new AtomicInteger(100);

    /**
     * Asserts: BIRTH lists DEPLOY-V2 and {@code deploy.unsigned.allowed=false}; a signed bundle is
     * downloaded (progress notifications), installed and COMPLETED only after its health gate; GET
     * packages (XML body and packages.json) and a republished BIRTH ({@code deploy.packages},
     * {@code deploy.job.last}) show it; wrong hash, bad signature, unsigned, truncated archive and a
     * feature archive with path traversal are each FAILED with that reason and the installed
     * version stays; a new version whose activator fails is ROLLED_BACK naming the bundle, and the
     * previous version is active again; the console's OTA page shows the unit and the rolled-back
     * job with its reason; a second unit updating the same bundle takes it over: uninstalling the
     * first leaves the bundle to it, uninstalling the second removes the bundle (it did not exist
     * before the first); installing a stored unit again does not download it, and still checks its
     * signature.
     */
    @Test
    void installsSignedBundlesRefusesBadOnesAndRollsBackAFailingVersion() throws Exception {
        Mosquitto.require();
        String gw = "gw-ota";
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                UnitServer units = new UnitServer();
                KapuaClient kapua = new KapuaClient(broker, "$EDC/" + ACCOUNT + "/" + gw + "/MQTT/#");
                GatewayProcess gateway = gateway(broker, gw)) {
            kapua.subscribe("$EDC/" + ACCOUNT + "/" + kapua.clientId() + "/" + APP + "/#");
            startAndAwaitOta(gateway);
            KapuaClient.Received birth = kapua.await("BIRTH", DEADLINE, birthTopic(gw)::equals);
            assertThat((String) birth.metric("application_ids")).contains(APP);
            assertThat(birth.metric("deploy.unsigned.allowed")).isEqualTo(false);
            assertThat(birth.metric("deploy.packages")).isEqualTo("");

            byte[] v1 = bundle("io.hybridge.test.ota", "1.0.0", null, null);
            units.put("ota-1.0.0.jar", v1);
            long job = install(kapua, gw, units, "ota-1.0.0.jar", v1, "ota-demo", "1.0.0", Map.of());
            assertThat(awaitInstall(kapua, job, "COMPLETED").metric("dp.install.status")).isEqualTo("COMPLETED");
            assertThat(notifications(kapua, job, "download")).contains("COMPLETED");
            assertThat(bundleState(kapua, gw, "io.hybridge.test.ota")).isEqualTo("1.0.0 ACTIVE");
            KapuaClient.Received packages = request(kapua, gw, "GET/packages", Map.of());
            assertThat(packages.body()).contains("<package><name>ota-demo</name><version>1.0.0</version>");
            assertThat(JSON.readTree((String) packages.metric("packages.json")).get(0).path("bundles").get(0).path("name").asText())
                    .isEqualTo("io.hybridge.test.ota");
            KapuaClient.Received republished = kapua.await("BIRTH after the install", DEADLINE, birthTopic(gw)::equals);
            assertThat(republished.metric("deploy.packages")).isEqualTo("ota-demo@1.0.0");
            assertThat(republished.metric("deploy.job.last")).isEqualTo(job + ":COMPLETED");

            // bad input: refused with the reason, nothing changed
            byte[] v2 = bundle("io.hybridge.test.ota", "2.0.0", null, null);
            units.put("ota-2.0.0.jar", v2);
            refused(kapua, gw, units, "ota-2.0.0.jar", v2, Map.of("dp.download.hash", "SHA-256:" + "00".repeat(32)), "wrong hash");
            KeyPair stranger = ed25519();
            refused(kapua, gw, units, "ota-2.0.0.jar", v2, Map.of("dp.signature", sign(stranger, v2), "dp.signature.key",
                    keyId(stranger)), "bad signature: key " + keyId(stranger) + " is not trusted");
            refused(kapua, gw, units, "ota-2.0.0.jar", v2, Map.of("dp.signature", sign(fleetKey, v1)), "bad signature");
            refused(kapua, gw, units, "ota-2.0.0.jar", v2, Map.of("dp.signature", ""), "unsigned unit refused");
            byte[] truncated = Arrays.copyOf(v2, v2.length - 40);
            units.put("truncated.jar", truncated);
            refused(kapua, gw, units, "truncated.jar", truncated, Map.of(), "truncated or corrupt");
            byte[] traversal = zip("feature.json", "{\"bundles\": [{\"id\": \"io.example:a:1.0.0\"}]}",
                    "bundles/../../../etc/evil.jar", "x");
            units.put("traversal.zip", traversal);
            refused(kapua, gw, units, "traversal.zip", traversal, Map.of(), "path traversal");
            assertThat(bundleState(kapua, gw, "io.hybridge.test.ota")).isEqualTo("1.0.0 ACTIVE");
            assertThat(request(kapua, gw, "GET/packages", Map.of()).body()).contains("<version>1.0.0</version>")
                    .doesNotContain("2.0.0");

            // a version that fails to start is rolled back by the gateway itself
            byte[] broken = bundle("io.hybridge.test.ota", "2.0.0", "io.example.NoSuchActivator", null);
            units.put("ota-broken.jar", broken);
            long failing = install(kapua, gw, units, "ota-broken.jar", broken, "ota-demo", "2.0.0", Map.of());
            KapuaClient.Received rolledBack = awaitInstall(kapua, failing, "ROLLED_BACK");
            assertThat((String) rolledBack.metric("dp.install.error.message"))
                    .contains("bundle io.hybridge.test.ota 2.0.0 did not start").contains("previous version restored");
            assertThat(bundleState(kapua, gw, "io.hybridge.test.ota")).isEqualTo("1.0.0 ACTIVE");
            assertThat(kapua.await("BIRTH after the rollback", DEADLINE, birthTopic(gw)::equals).metric("deploy.job.last"))
                    .isEqualTo(failing + ":ROLLED_BACK");

            // the console's OTA page shows the installed unit and the rolled-back job with its reason
            String password = Files.readString(gateway.home().resolve("var/admin.password")).trim();
            var page = gateway.console(password).get("/system/console/ota");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("id='ota-installed'").contains("<td>ota-demo</td><td>1.0.0</td>")
                    .contains("data-status='ROLLED_BACK'").contains("did not start");

            // another unit takes the bundle over: uninstalling the first one leaves it to that unit,
            // and uninstalling that one restores what was there before both (nothing)
            byte[] v3 = bundle("io.hybridge.test.ota", "3.0.0", null, null);
            units.put("ota-3.0.0.jar", v3);
            long takeover = install(kapua, gw, units, "ota-3.0.0.jar", v3, "ota-other", "3.0.0", Map.of());
            awaitInstall(kapua, takeover, "COMPLETED");
            assertThat(bundleState(kapua, gw, "io.hybridge.test.ota")).isEqualTo("3.0.0 ACTIVE");

            uninstall(kapua, gw, "ota-demo");
            assertThat(bundleState(kapua, gw, "io.hybridge.test.ota")).as("left to ota-other").isEqualTo("3.0.0 ACTIVE");
            assertThat(request(kapua, gw, "GET/packages", Map.of()).body()).doesNotContain("ota-demo").contains("ota-other");

            uninstall(kapua, gw, "ota-other");
            assertThat(bundleState(kapua, gw, "io.hybridge.test.ota")).isNull();
            assertThat(request(kapua, gw, "GET/packages", Map.of()).body()).doesNotContain("ota-other");

            // a unit the gateway has stored already is checked again and installed without a download
            int fetched = units.requests("ota-3.0.0.jar");
            assertThat(fetched).isEqualTo(1);
            long again = install(kapua, gw, units, "ota-3.0.0.jar", v3, "ota-other", "3.0.0", Map.of());
            awaitInstall(kapua, again, "COMPLETED");
            assertThat(bundleState(kapua, gw, "io.hybridge.test.ota")).isEqualTo("3.0.0 ACTIVE");
            refused(kapua, gw, units, "ota-3.0.0.jar", v3, Map.of("dp.signature", sign(stranger, v3), "dp.signature.key",
                    keyId(stranger)), "bad signature: key " + keyId(stranger) + " is not trusted");
            assertThat(units.requests("ota-3.0.0.jar")).as("both jobs took the stored unit").isEqualTo(fetched);
        }
    }

    private void uninstall(KapuaClient kapua, String gw, String unit) throws Exception {
        long job = jobs.incrementAndGet();
        assertThat(request(kapua, gw, "EXEC/uninstall", Map.of("dp.name", unit, "job.id", job)).metric("response.code"))
                .isEqualTo(200);
        Wait.until("uninstall of " + unit + " COMPLETED", DEADLINE, () -> "COMPLETED".equals(lastUninstallStatus(kapua, job)));
    }

    /**
     * Asserts: a gateway killed with SIGKILL in the middle of a download resumes it after the
     * restart with a Range request from the partial file (the server sees it), verifies the whole
     * file and installs it (GET/download: COMPLETED, the bundle active).
     */
    @Test
    void aDownloadCutByKill9ResumesAfterTheRestart() throws Exception {
        Mosquitto.require();
        String gw = "gw-ota-resume";
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                UnitServer units = new UnitServer();
                KapuaClient kapua = new KapuaClient(broker);
                GatewayProcess gateway = gateway(broker, gw)) {
            kapua.subscribe("$EDC/" + ACCOUNT + "/" + kapua.clientId() + "/" + APP + "/#");
            startAndAwaitOta(gateway);
            byte[] big = bundle("io.hybridge.test.big", "1.0.0", null, randomBytes(6 * 1024 * 1024));
            units.put("big.jar", big);
            units.holdAfter = 2 * 1024 * 1024; // the first response stops there until released
            long job = install(kapua, gw, units, "big.jar", big, "big", "1.0.0", Map.of("dp.download.block.size", 512 * 1024));
            Path part = gateway.home().resolve("var/deploy/downloads/" + job + ".part");
            Wait.until("2 MiB in " + part, DEADLINE, () -> Files.isRegularFile(part) && size(part) >= 2 * 1024 * 1024);
            gateway.kill();
            units.release();
            long kept = Files.size(part);
            assertThat(kept).isLessThan(big.length);

            startAndAwaitOta(gateway);
            try {
                Wait.until("the resumed job installed", DEADLINE, () -> "COMPLETED".equals(
                        request(kapua, gw, "GET/download", Map.of()).metric("dp.install.status")));
            } catch (AssertionError e) {
                throw new AssertionError("job " + job + " after the restart: " + request(kapua, gw, "GET/download", Map.of())
                        .payload().getMetricList() + "\nlog:\n" + gateway.log(), e);
            }
            assertThat(units.rangeFrom).containsKey("big.jar");
            assertThat(units.rangeFrom.get("big.jar")).isEqualTo(kept);
            assertThat(bundleState(kapua, gw, "io.hybridge.test.big")).isEqualTo("1.0.0 ACTIVE");
        }
    }

    /**
     * Asserts: a gateway killed with SIGKILL while a new version sits in its health gate (its DS
     * component waits for a service nobody offers; journal step SWITCHED) is consistent after the
     * restart: recovery runs the gate again, the deadline passes, the previous version is put
     * back — the job reports ROLLED_BACK naming the unsatisfied component, v1 is active and
     * GET/packages still lists v1.
     */
    @Test
    void anInstallCutByKill9IsConsistentAfterTheRestart() throws Exception {
        Mosquitto.require();
        String gw = "gw-ota-crash";
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                UnitServer units = new UnitServer();
                KapuaClient kapua = new KapuaClient(broker);
                GatewayProcess gateway = gateway(broker, gw)) {
            kapua.subscribe("$EDC/" + ACCOUNT + "/" + kapua.clientId() + "/" + APP + "/#");
            startAndAwaitOta(gateway);
            byte[] v1 = bundle("io.hybridge.test.gate", "1.0.0", null, null);
            units.put("gate-1.jar", v1);
            long first = install(kapua, gw, units, "gate-1.jar", v1, "gate", "1.0.0", Map.of());
            awaitInstall(kapua, first, "COMPLETED");

            byte[] waiting = componentBundle("io.hybridge.test.gate", "2.0.0");
            units.put("gate-2.jar", waiting);
            long second = install(kapua, gw, units, "gate-2.jar", waiting, "gate", "2.0.0",
                    Map.of("dp.health.timeout", 8000L));
            Path journal = gateway.home().resolve("var/deploy/journal/current.json");
            Wait.until("job " + second + " in its health gate", DEADLINE,
                    () -> Files.isRegularFile(journal) && read(journal).contains("\"step\":\"SWITCHED\""));
            assertThat(bundleState(kapua, gw, "io.hybridge.test.gate")).isEqualTo("2.0.0 ACTIVE");
            gateway.kill();

            startAndAwaitOta(gateway);
            KapuaClient.Received status = Wait.until("job " + second + " settled after the restart", DEADLINE, () -> {
                KapuaClient.Received s = request(kapua, gw, "GET/download", Map.of());
                return "ROLLED_BACK".equals(s.metric("dp.install.status")) ? s : null;
            });
            assertThat(status.metric("job.id")).isEqualTo(second);
            assertThat((String) status.metric("dp.install.error.message"))
                    .contains("component ota.test.waiting").contains("missing reference missing");
            assertThat(bundleState(kapua, gw, "io.hybridge.test.gate")).isEqualTo("1.0.0 ACTIVE");
            assertThat(request(kapua, gw, "GET/packages", Map.of()).body()).contains("<name>gate</name><version>1.0.0</version>");
        }
    }

    /**
     * Asserts: a feature archive (feature.json + bundles/) whose API bundle exports a package its
     * implementation imports is installed whole, both bundles ACTIVE, GET/packages listing both;
     * a feature with a bundle that imports a package nobody exports is FAILED naming the bundle
     * and the missing package, and none of its bundles stays installed; a second EXEC/download
     * while a job runs is answered 409 naming the running job.
     */
    @Test
    void installsAFeatureOnlyWhenAllItsBundlesResolve() throws Exception {
        Mosquitto.require();
        String gw = "gw-ota-feature";
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                UnitServer units = new UnitServer();
                KapuaClient kapua = new KapuaClient(broker);
                GatewayProcess gateway = gateway(broker, gw)) {
            kapua.subscribe("$EDC/" + ACCOUNT + "/" + kapua.clientId() + "/" + APP + "/#");
            startAndAwaitOta(gateway);
            byte[] feature = featureZip(Map.of(
                    "io.example:sensor-api:1.0.0", bundle("io.example.sensor.api", "1.0.0", Map.of("Export-Package",
                            "io.example.sensor.api;version=1.0.0")),
                    "io.example:sensor-impl:1.0.0", bundle("io.example.sensor.impl", "1.0.0", Map.of("Import-Package",
                            "io.example.sensor.api;version=\"[1,2)\""))));
            units.put("sensors.zip", feature);
            units.holdAfter = 100; // keep the first job busy to see the 409
            long job = install(kapua, gw, units, "sensors.zip", feature, "sensors", "1.0.0", Map.of("dp.unit.type", "feature"));
            KapuaClient.Received busy = request(kapua, gw, "EXEC/download", Map.of("dp.uri", units.uri("sensors.zip"),
                    "dp.name", "other", "dp.version", "1", "job.id", 999L));
            assertThat(busy.metric("response.code")).isEqualTo(409);
            assertThat((String) busy.metric("response.exception.message")).startsWith("busy: job " + job + " is running");
            units.release();
            awaitInstall(kapua, job, "COMPLETED");
            assertThat(bundleState(kapua, gw, "io.example.sensor.api")).isEqualTo("1.0.0 ACTIVE");
            assertThat(bundleState(kapua, gw, "io.example.sensor.impl")).isEqualTo("1.0.0 ACTIVE");
            assertThat(request(kapua, gw, "GET/packages", Map.of()).body()).contains("<name>sensors</name>")
                    .contains("<name>io.example.sensor.api</name>").contains("<name>io.example.sensor.impl</name>");

            byte[] unresolvable = featureZip(Map.of(
                    "io.example:lonely:1.0.0", bundle("io.example.lonely", "1.0.0", Map.of()),
                    "io.example:needy:1.0.0", bundle("io.example.needy", "1.0.0", Map.of("Import-Package", "org.example.absent"))));
            units.put("needy.zip", unresolvable);
            long refused = install(kapua, gw, units, "needy.zip", unresolvable, "needy", "1.0.0", Map.of());
            KapuaClient.Received failed = awaitInstall(kapua, refused, "FAILED");
            assertThat((String) failed.metric("dp.install.error.message"))
                    .contains("bundle io.example.needy 1.0.0 does not resolve: missing package org.example.absent")
                    .contains("nothing was changed");
            assertThat(bundleState(kapua, gw, "io.example.lonely")).isNull();
            assertThat(bundleState(kapua, gw, "io.example.needy")).isNull();
            assertThat(request(kapua, gw, "GET/packages", Map.of()).body()).doesNotContain("needy");
        }
    }

    /**
     * Asserts: a workload-image unit (a {@code docker save} tar, signed like any unit) is loaded
     * into the Docker engine through the container runtime and reported COMPLETED; the image is
     * then present under its tag.
     */
    @Test
    void aWorkloadImageUnitIsLoadedIntoTheEngine() throws Exception {
        Mosquitto.require();
        io.hybridge.itests.support.Docker.busybox();
        String tag = "hybridge-test/ota-image:" + UUID.randomUUID().toString().substring(0, 8);
        Path tar = dir.resolve("image.tar");
        try {
            assertThat(io.hybridge.itests.support.Docker.run("docker", "tag", io.hybridge.itests.support.Docker.BUSYBOX, tag).ok()).isTrue();
            assertThat(io.hybridge.itests.support.Docker.run("docker", "save", "-o", tar.toString(), tag).ok()).isTrue();
            assertThat(io.hybridge.itests.support.Docker.run("docker", "rmi", tag).ok()).isTrue();
            String gw = "gw-ota-image";
            try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                    UnitServer units = new UnitServer();
                    KapuaClient kapua = new KapuaClient(broker);
                    GatewayProcess gateway = gateway(broker, gw)) {
                kapua.subscribe("$EDC/" + ACCOUNT + "/" + kapua.clientId() + "/" + APP + "/#");
                startAndAwaitOta(gateway);
                byte[] image = Files.readAllBytes(tar);
                units.put("image.tar", image);
                long job = install(kapua, gw, units, "image.tar", image, "ota-image", "1", Map.of());
                awaitInstall(kapua, job, "COMPLETED");
                assertThat(io.hybridge.itests.support.Docker.run("docker", "image", "inspect", tag).ok()).isTrue();
                assertThat(request(kapua, gw, "GET/packages", Map.of()).metric("packages.json").toString())
                        .contains("\"type\":\"workload-image\"");
            }
        } finally {
            io.hybridge.itests.support.Docker.run("docker", "rmi", tag);
        }
    }

    /**
     * Asserts: a workload-image unit that moves the tag a running workload uses restarts that
     * workload on the new image and is COMPLETED once it runs; a unit whose image exits at once
     * fails the health gate with the workload's state and exit in the reason, the tag points at
     * the previous image again and the workload runs on it (ROLLED_BACK).
     */
    @Test
    void aWorkloadImageUnitIsGatedByTheWorkloadsThatRunItAndRolledBackWhenTheyFail() throws Exception {
        Mosquitto.require();
        String base = io.hybridge.itests.support.Docker.busybox();
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tag = "hybridge-test/gated:" + run;
        String v1 = buildImage(base, "v1-" + run, "", tag);
        String v2 = buildImage(base, "v2-" + run, "", null);
        String broken = buildImage(base, "broken-" + run, "CMD [\"false\"]\n", null);
        String gw = "gw-ota-image-gate";
        String workload = "gated-" + run; // the label that finds its containers, whatever the gateway id is
        String labels = "io.hybridge.workload=" + workload;
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                UnitServer units = new UnitServer();
                KapuaClient kapua = new KapuaClient(broker);
                GatewayProcess gateway = gateway(broker, gw)) {
            kapua.subscribe("$EDC/" + ACCOUNT + "/" + kapua.clientId() + "/" + APP + "/#");
            startAndAwaitOta(gateway);
            Path spec = gateway.home().resolve("deploy/.gated.tmp");
            Files.writeString(spec, """
                    {"name": "%s", "runtime": "container", "image": {"reference": "%s", "pullPolicy": "never"},
                     "resources": {"memoryMiB": 32}, "restartPolicy": {"mode": "on-failure"}}
                    """.formatted(workload, tag));
            // FileInstall must see the whole file at once
            Files.move(spec, spec.resolveSibling(workload + ".workload.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            assertThat(imageOfRunning(gateway, labels)).isEqualTo(v1);

            byte[] good = savedAs(v2, tag, "v2.tar");
            units.put("v2.tar", good);
            long job = install(kapua, gw, units, "v2.tar", good, "gated-image", "2", Map.of());
            awaitInstall(kapua, job, "COMPLETED");
            assertThat(imageOfRunning(gateway, labels)).as("the workload restarted on the unit's image").isEqualTo(v2);

            byte[] bad = savedAs(broken, tag, "broken.tar");
            units.put("broken.tar", bad);
            long failing = install(kapua, gw, units, "broken.tar", bad, "gated-image", "3", Map.of());
            KapuaClient.Received rolledBack = awaitInstall(kapua, failing, "ROLLED_BACK");
            assertThat((String) rolledBack.metric("dp.install.error.message")).contains("workload " + workload + " is")
                    .contains("on the new image").contains("code 1").contains("previous image restored for [" + tag + "]");
            assertThat(io.hybridge.itests.support.Docker.inspect(tag, "{{.Id}}")).as("the tag is back on v2").isEqualTo(v2);
            assertThat(imageOfRunning(gateway, labels)).as("the workload runs v2 again").isEqualTo(v2);
            assertThat(request(kapua, gw, "GET/packages", Map.of()).metric("packages.json").toString())
                    .contains("\"gated-image\"").contains("\"version\":\"2\"");
        } finally {
            io.hybridge.itests.support.Docker.removeAll(labels);
            io.hybridge.itests.support.Docker.run("docker", "rmi", "-f", tag, v1, v2, broken);
        }
    }

    /** Builds a small image on the local busybox one (a label makes each id distinct); returns its id. */
    private String buildImage(String base, String label, String extra, String tag) throws IOException {
        Path context = Files.createDirectories(dir.resolve("image-" + label));
        Files.writeString(context.resolve("Dockerfile"), "FROM " + base + "\nLABEL hybridge.test=" + label + "\n" + extra);
        List<String> command = new ArrayList<>(List.of("docker", "build", "-q"));
        if (tag != null) {
            command.addAll(List.of("-t", tag));
        }
        command.add(context.toString());
        io.hybridge.itests.support.Docker.Result built = io.hybridge.itests.support.Docker.run(command.toArray(String[]::new));
        assertThat(built.ok()).as(built.output()).isTrue();
        return built.output().strip().lines().reduce((a, b) -> b).orElseThrow();
    }

    /** A docker save tar of the image under the tag, as a fleet would ship it; the engine's tag is left where it was. */
    private byte[] savedAs(String imageId, String tag, String file) throws IOException {
        String before = io.hybridge.itests.support.Docker.inspect(tag, "{{.Id}}");
        Path tar = dir.resolve(file);
        assertThat(io.hybridge.itests.support.Docker.run("docker", "tag", imageId, tag).ok()).isTrue();
        assertThat(io.hybridge.itests.support.Docker.run("docker", "save", "-o", tar.toString(), tag).ok()).isTrue();
        assertThat(io.hybridge.itests.support.Docker.run("docker", "tag", before, tag).ok()).isTrue();
        return Files.readAllBytes(tar);
    }

    /** The image id of the workload's one running container, once there is exactly one. */
    private static String imageOfRunning(GatewayProcess gateway, String labels) {
        return Wait.until("one running container with " + labels, DEADLINE, () -> {
            List<String> ids = io.hybridge.itests.support.Docker.containers(labels);
            if (ids.size() != 1 || !"running".equals(io.hybridge.itests.support.Docker.inspect(ids.get(0), "{{.State.Status}}"))) {
                return null;
            }
            return io.hybridge.itests.support.Docker.inspect(ids.get(0), "{{.Image}}");
        }, () -> "workloads: " + gateway.health().path("subsystems").path("workloads"));
    }

    /**
     * Asserts: the telemetry task's microVM image (the OCI layout tar the build writes, which names
     * its image in full) as a workload-image unit goes into the unikernel runtime's image cache
     * under its reference and is reported COMPLETED; the same image in a layout that names it only
     * by its tag is refused with the reason, and no reference moves. The console's OTA page (in a
     * real browser) shows the installed unit, both jobs with their outcome and the refusal's
     * reason, and that unit hashes run natively.
     */
    @Test
    void aUnikernelImageUnitGoesIntoTheImageCache() throws Exception {
        Mosquitto.require();
        io.hybridge.itests.support.Browser.require();
        Path archive = io.hybridge.itests.support.Unikernels.telemetryArchive();
        String reference = "hybridge/telemetry:" + io.hybridge.itests.support.Unikernels.telemetryTag();
        Path tagOnly = io.hybridge.imagetools.OciImageLayout.write(dir.resolve("tag-only"), dir.resolve("tag-only.oci.tar"),
                "9.9", Map.of("unikernel/vmlinuz", Files.writeString(dir.resolve("vmlinuz"), "not a kernel")),
                Map.of("com.urunc.unikernel.binary", "/unikernel/vmlinuz", "com.urunc.unikernel.unikernelType", "linux")).tar();
        String gw = "gw-ota-unikernel-image";
        try (CloudBroker broker = CloudBroker.start(dir.resolve("broker"));
                UnitServer units = new UnitServer();
                KapuaClient kapua = new KapuaClient(broker);
                GatewayProcess gateway = gateway(broker, gw).env("HYBRIDGE_ADMIN_PASSWORD", CONSOLE_PASSWORD)) {
            kapua.subscribe("$EDC/" + ACCOUNT + "/" + kapua.clientId() + "/" + APP + "/#");
            startAndAwaitOta(gateway);
            Path refs = gateway.home().resolve("var/unikernel/images/refs.json");

            byte[] unnamed = Files.readAllBytes(tagOnly);
            units.put("tag-only.oci.tar", unnamed);
            long refused = install(kapua, gw, units, "tag-only.oci.tar", unnamed, "tag-only-image", "9.9", Map.of());
            assertThat(String.valueOf(awaitInstall(kapua, refused, "FAILED").metric("dp.install.error.message")))
                    .contains("is named only '9.9'").contains("io.containerd.image.name");

            byte[] image = Files.readAllBytes(archive);
            units.put("telemetry.oci.tar", image);
            long job = install(kapua, gw, units, "telemetry.oci.tar", image, "telemetry-image", "1", Map.of());
            awaitInstall(kapua, job, "COMPLETED");
            assertThat(Files.readString(refs)).contains("\"" + reference + "\"").doesNotContain("9.9");
            assertThat(request(kapua, gw, "GET/packages", Map.of()).metric("packages.json").toString())
                    .contains("telemetry-image").contains("\"type\":\"workload-image\"").doesNotContain("tag-only-image");

            try (io.hybridge.itests.support.Browser browser = io.hybridge.itests.support.Browser.headless(dir.resolve("chromedriver.log"))) {
                org.openqa.selenium.WebDriver page = browser.driver();
                browser.login(gateway, "admin", CONSOLE_PASSWORD, "/system/console/ota");
                assertThat(page.findElement(org.openqa.selenium.By.id("ota-status")).getText()).contains("No job running");
                assertThat(page.findElement(org.openqa.selenium.By.id("ota-digests")).getText()).contains("native (NSS");
                String installed = page.findElement(org.openqa.selenium.By.id("ota-installed")).getText();
                assertThat(installed).contains("telemetry-image").contains("workload-image").doesNotContain("tag-only-image");
                var rows = page.findElements(org.openqa.selenium.By.cssSelector("#ota-jobs tr.ota-job"));
                assertThat(rows).extracting(row -> row.getDomAttribute("data-status")).contains("COMPLETED", "FAILED");
                assertThat(rows.stream().filter(row -> "FAILED".equals(row.getDomAttribute("data-status"))).findFirst()
                        .orElseThrow().getText()).contains("tag-only-image 9.9").contains("is named only '9.9'");
            }
        }
    }

    private static final String CONSOLE_PASSWORD = "itest-Ota-Page-1";

    // ---- the fleet operator's side ----------------------------------------------------------

    private GatewayProcess gateway(CloudBroker broker, String gw) throws IOException {
        GatewayProcess gateway = GatewayProcess.install(dir, gw)
                .env("HYBRIDGE_CLOUD_URI", broker.uri())
                .env("HYBRIDGE_ACCOUNT", ACCOUNT)
                .env("HYBRIDGE_CLIENT_ID", gw)
                .env("HYBRIDGE_CLOUD_USERNAME", CloudBroker.USER)
                .env("HYBRIDGE_CLOUD_PASSWORD", CloudBroker.PASSWORD);
        Files.writeString(gateway.home().resolve("etc/config/io.hybridge.deploy.config"), """
                trustedKeys=["%s"]
                healthGateSeconds=I"15"
                """.formatted(Base64.getEncoder().encodeToString(fleetKey.getPublic().getEncoded())));
        return gateway;
    }

    /**
     * Starts the gateway and waits until the OTA agent runs with the test's fleet key: the
     * configuration from etc/config arrives with FileInstall after /health is ready, and the
     * agent restarts with it.
     */
    private void startAndAwaitOta(GatewayProcess gateway) throws IOException {
        gateway.startAndAwaitReady();
        String keyId = keyId(fleetKey);
        Wait.until("the OTA agent trusting key " + keyId + " in /health", DEADLINE,
                () -> gateway.health().toString().contains(keyId));
    }

    private static String birthTopic(String gw) {
        return "$EDC/" + ACCOUNT + "/" + gw + "/MQTT/BIRTH";
    }

    /** EXEC/download with dp.install=true, signed with the fleet key unless {@code extra} says otherwise. */
    private long install(KapuaClient kapua, String gw, UnitServer units, String file, byte[] content, String name,
            String version, Map<String, Object> extra) throws Exception {
        long job = jobs.incrementAndGet();
        Map<String, Object> metrics = new java.util.LinkedHashMap<>();
        metrics.put("dp.uri", units.uri(file));
        metrics.put("dp.name", name);
        metrics.put("dp.version", version);
        metrics.put("job.id", job);
        metrics.put("dp.download.protocol", "HTTP");
        metrics.put("dp.download.hash", "SHA-256:" + HexFormat.of().formatHex(sha256(content)));
        metrics.put("dp.install", true);
        metrics.put("dp.signature", sign(fleetKey, content));
        metrics.put("dp.signature.key", keyId(fleetKey));
        metrics.putAll(extra);
        if ("".equals(metrics.get("dp.signature"))) {
            metrics.remove("dp.signature");
            metrics.remove("dp.signature.key");
        }
        KapuaClient.Received reply = request(kapua, gw, "EXEC/download", metrics);
        assertThat(reply.metric("response.code")).as(String.valueOf(reply.metric("response.exception.message"))).isEqualTo(200);
        return job;
    }

    private void refused(KapuaClient kapua, String gw, UnitServer units, String file, byte[] content,
            Map<String, Object> extra, String reason) throws Exception {
        long job = install(kapua, gw, units, file, content, "ota-demo", "2.0.0", extra);
        KapuaClient.Received failed = Wait.until("job " + job + " refused", DEADLINE, () -> {
            KapuaClient.Received status = request(kapua, gw, "GET/download", Map.of());
            Object id = status.metric("job.id");
            boolean done = Long.valueOf(job).equals(id) && ("FAILED".equals(status.metric("dp.download.status"))
                    || "FAILED".equals(status.metric("dp.install.status")));
            return done ? status : null;
        });
        Object message = failed.metric("dp.install.error.message") != null ? failed.metric("dp.install.error.message")
                : failed.metric("dp.download.error.message");
        assertThat((String) message).as("job %d", job).contains(reason);
    }

    private static KapuaClient.Received awaitInstall(KapuaClient kapua, long job, String status) {
        long end = System.nanoTime() + DEADLINE.toNanos();
        while (true) {
            KapuaClient.Received notification = kapua.await("install notification of job " + job,
                    Duration.ofNanos(Math.max(1, end - System.nanoTime())), topic -> topic.contains("/" + APP + "/NOTIFY/")
                            && topic.endsWith("/install"));
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
    }

    /** The newest {@code dp.uninstall.status} notified for the job, or null. */
    private static String lastUninstallStatus(KapuaClient kapua, long job) {
        String status = null;
        for (KapuaClient.Received r : kapua.received()) {
            if (r.topic().endsWith("/uninstall") && Long.valueOf(job).equals(r.metric("job.id"))) {
                status = (String) r.metric("dp.uninstall.status");
            }
        }
        return status;
    }

    private static String notifications(KapuaClient kapua, long job, String type) {
        StringBuilder statuses = new StringBuilder();
        for (KapuaClient.Received r : kapua.received()) {
            if (r.topic().contains("/" + APP + "/NOTIFY/") && r.topic().endsWith("/" + type)
                    && Long.valueOf(job).equals(r.metric("job.id"))) {
                statuses.append(r.metric("dp." + type + ".status")).append(' ');
            }
        }
        return statuses.toString();
    }

    /** "version STATE" of the bundle, from GET/bundles' bundles.json; null when it is not installed. */
    private static String bundleState(KapuaClient kapua, String gw, String symbolicName) {
        try {
            JsonNode bundles = JSON.readTree((String) request(kapua, gw, "GET/bundles", Map.of()).metric("bundles.json"));
            for (JsonNode bundle : bundles) {
                if (bundle.path("name").asText().equals(symbolicName)) {
                    return bundle.path("version").asText() + " " + bundle.path("state").asText();
                }
            }
            return null;
        } catch (IOException e) {
            throw new AssertionError(e);
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
        if (value instanceof Integer i) {
            return metric.setType(ValueType.INT32).setIntValue(i).build();
        }
        if (value instanceof Boolean b) {
            return metric.setType(ValueType.BOOL).setBoolValue(b).build();
        }
        return metric.setType(ValueType.STRING).setStringValue(String.valueOf(value)).build();
    }

    // ---- units ------------------------------------------------------------------------------

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

    /** The fleet's signature: Ed25519 over the raw SHA-256 digest of the unit. */
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

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    private static byte[] bundle(String bsn, String version, Map<String, String> headers) throws IOException {
        Manifest manifest = manifest(bsn, version);
        headers.forEach(manifest.getMainAttributes()::putValue);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry("hello.txt"));
            jar.write(bsn.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** The feature unit layout: feature.json at the root, each bundle at bundles/<artifact>-<version>.jar. */
    private static byte[] featureZip(Map<String, byte[]> bundlesById) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            StringBuilder document = new StringBuilder("{\"feature-resource-version\": \"1.0\", \"id\": \"io.example:unit:osgifeature:1.0.0\", \"bundles\": [");
            String separator = "";
            for (String id : new java.util.TreeSet<>(bundlesById.keySet())) {
                document.append(separator).append("{\"id\": \"").append(id).append("\"}");
                separator = ", ";
                String[] gav = id.split(":");
                zip.putNextEntry(new ZipEntry("bundles/" + gav[1] + "-" + gav[2] + ".jar"));
                zip.write(bundlesById.get(id));
                zip.closeEntry();
            }
            zip.putNextEntry(new ZipEntry("feature.json"));
            zip.write(document.append("]}").toString().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return bytes.toByteArray();
    }

    /** A bundle, optionally with an activator class name (that does not exist) and a big stored resource. */
    private static byte[] bundle(String bsn, String version, String activator, byte[] payload) throws IOException {
        Manifest manifest = manifest(bsn, version);
        if (activator != null) {
            manifest.getMainAttributes().putValue("Bundle-Activator", activator);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry("hello.txt"));
            jar.write(("hello from " + bsn + " " + version).getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
            if (payload != null) {
                ZipEntry data = new ZipEntry("data.bin");
                data.setMethod(ZipEntry.STORED);
                data.setSize(payload.length);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(payload);
                data.setCrc(crc.getValue());
                jar.putNextEntry(data);
                jar.write(payload);
                jar.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A bundle whose immediate DS component needs a service nobody offers: it never becomes satisfied. */
    private static byte[] componentBundle(String bsn, String version) throws IOException {
        Manifest manifest = manifest(bsn, version);
        manifest.getMainAttributes().putValue("Service-Component", "OSGI-INF/waiting.xml");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry("OSGI-INF/waiting.xml"));
            jar.write("""
                    <?xml version="1.0" encoding="UTF-8"?>
                    <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="ota.test.waiting" immediate="true">
                      <implementation class="io.example.Waiting"/>
                      <reference name="missing" interface="io.example.NobodyOffersThis" cardinality="1..1"/>
                    </scr:component>
                    """.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static Manifest manifest(String bsn, String version) {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", bsn);
        main.putValue("Bundle-Version", version);
        return manifest;
    }

    private static byte[] zip(String... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (int i = 0; i < entries.length; i += 2) {
                zip.putNextEntry(new ZipEntry(entries[i]));
                zip.write(entries[i + 1].getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Serves units from memory on loopback with {@code Range: bytes=n-} support; can hold the
     * first response after some bytes until released (a stalled link: to kill the gateway
     * mid-download, or to keep a job busy).
     */
    static final class UnitServer implements AutoCloseable {
        private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-");
        private final HttpServer server;
        private final Map<String, byte[]> files = new ConcurrentHashMap<>();
        final Map<String, Long> rangeFrom = new ConcurrentHashMap<>();
        private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
        volatile long holdAfter = -1;
        private final CountDownLatch released = new CountDownLatch(1);

        UnitServer() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
            server.createContext("/", exchange -> {
                String name = exchange.getRequestURI().getPath().substring(1);
                requests.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
                byte[] body = files.get(name);
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                    exchange.close();
                    return;
                }
                int from = 0;
                String range = exchange.getRequestHeaders().getFirst("Range");
                Matcher matcher = range == null ? null : RANGE.matcher(range);
                if (matcher != null && matcher.matches()) {
                    from = Integer.parseInt(matcher.group(1));
                    rangeFrom.put(name, (long) from);
                    exchange.getResponseHeaders().set("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
                    exchange.sendResponseHeaders(206, body.length - from);
                } else {
                    exchange.sendResponseHeaders(200, body.length);
                }
                try (OutputStream out = exchange.getResponseBody()) {
                    long hold = holdAfter;
                    if (hold > 0 && from == 0) {
                        holdAfter = -1;
                        out.write(body, 0, (int) hold);
                        out.flush();
                        released.await(2, TimeUnit.MINUTES);
                        out.write(body, (int) hold, body.length - (int) hold);
                        return;
                    }
                    out.write(body, from, body.length - from);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            server.start();
        }

        void put(String name, byte[] content) {
            files.put(name, content);
        }

        void release() {
            released.countDown();
        }

        int requests(String name) {
            AtomicInteger count = requests.get(name);
            return count == null ? 0 : count.get();
        }

        String uri(String name) {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + name;
        }

        @Override
        public void close() {
            released.countDown();
            server.stop(0);
        }
    }
}

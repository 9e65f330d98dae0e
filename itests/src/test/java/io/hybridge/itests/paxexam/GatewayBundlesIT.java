package io.hybridge.itests.paxexam;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration.ConfigurationAttribute;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.util.tracker.ServiceTracker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.hybridge.api.device.DeviceProfile;
import io.hybridge.api.health.HealthContributor;

/**
 * The packaged bundles of every feature, in a real Felix framework: all resolve and start,
 * every Hybridge component is satisfied, and each configurable component describes its
 * configuration with Metatype. The bundle list comes from the feature documents of the
 * built distribution, so this tests exactly what ships.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class GatewayBundlesIT {

    @Inject
    private BundleContext context;

    @Inject
    private ServiceComponentRuntime scr;

    @Inject
    private MetaTypeService metatype;

    @Inject
    private ConfigurationAdmin configAdmin;

    @Configuration
    public Option[] config() throws IOException {
        Path dist = Path.of(System.getProperty("hybridge.dist", "../distribution/target/hybridge")).toAbsolutePath();
        Path work = Files.createTempDirectory("hybridge-paxexam");
        Files.createDirectories(work.resolve("deploy"));
        List<Option> bundles = new ArrayList<>();
        for (String feature : List.of("core", "console")) {
            JsonNode document = new ObjectMapper().readTree(dist.resolve("etc/features/" + feature + ".json").toFile());
            for (JsonNode entry : document.path("bundles")) {
                String[] gav = entry.path("id").asText().split(":");
                Path jar = dist.resolve("bundles/" + gav[0].replace('.', '/') + "/" + gav[1] + "/" + gav[2] + "/"
                        + gav[1] + "-" + gav[2] + ".jar");
                int startLevel = entry.path("start-order").asInt(2);
                bundles.add(bundle(jar.toUri().toString()).startLevel(startLevel).start());
            }
        }
        String slf4j = System.getProperty("slf4j.version");
        String logback = System.getProperty("logback.version");
        return options(
                systemProperty("org.ops4j.pax.url.mvn.localRepository").value(System.getProperty("user.home") + "/.m2/repository"),
                systemProperty("org.ops4j.pax.url.mvn.repositories").value("https://repo1.maven.org/maven2@id=central"),
                // what bin/hybridge's framework exports from the class path (Logback behind SLF4J);
                // added to, not replacing, the packages Pax Exam itself exports
                systemPackages("org.slf4j;version=" + slf4j, "org.slf4j;version=1.7.36", "org.slf4j.spi;version=" + slf4j,
                        "org.slf4j.event;version=" + slf4j, "org.slf4j.helpers;version=" + slf4j,
                        "org.slf4j.helpers;version=1.7.36", "ch.qos.logback.classic;version=" + logback,
                        "ch.qos.logback.classic.spi;version=" + logback, "ch.qos.logback.core;version=" + logback,
                        "sun.misc"),
                frameworkProperty("org.osgi.service.http.port").value(Integer.toString(freePort())),
                frameworkProperty("hybridge.mqtt.port").value(Integer.toString(freePort())),
                frameworkProperty("hybridge.var").value(work.resolve("var").toString()),
                frameworkProperty("hybridge.data").value(work.resolve("var/data").toString()),
                frameworkProperty("hybridge.device.profiles.dir").value(dist.resolve("etc/device-profiles").toString()),
                frameworkProperty("felix.fileinstall.dir").value(work.resolve("deploy").toString()),
                frameworkProperty("felix.webconsole.security.providers").value("hybridge"),
                composite(bundles.toArray(new Option[0])),
                junitBundles());
    }

    @Test
    public void everyBundleResolvesAndIsActive() {
        Map<String, String> notActive = new TreeMap<>();
        for (Bundle bundle : context.getBundles()) {
            boolean fragment = bundle.getHeaders().get(Constants.FRAGMENT_HOST) != null;
            if (!fragment && bundle.getState() != Bundle.ACTIVE) {
                notActive.put(bundle.getSymbolicName(), "state " + bundle.getState());
            }
        }
        assertTrue("bundles not active: " + notActive, notActive.isEmpty());
    }

    @Test
    public void everyHybridgeComponentIsSatisfied() {
        List<String> problems = new ArrayList<>();
        int hybridgeComponents = 0;
        for (ComponentDescriptionDTO description : scr.getComponentDescriptionDTOs()) {
            if (!description.bundle.symbolicName.startsWith("io.hybridge.")) {
                continue;
            }
            hybridgeComponents++;
            boolean requiresConfig = "require".equals(description.configurationPolicy);
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                if (configuration.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE
                        || configuration.state == ComponentConfigurationDTO.FAILED_ACTIVATION
                        || configuration.state == ComponentConfigurationDTO.UNSATISFIED_CONFIGURATION && !requiresConfig) {
                    problems.add(description.name + ": state " + configuration.state
                            + (configuration.failure == null ? "" : " " + configuration.failure)
                            + " unsatisfied " + Arrays.toString(configuration.unsatisfiedReferences));
                }
            }
        }
        assertTrue("found only " + hybridgeComponents + " Hybridge components", hybridgeComponents >= 8);
        assertTrue("components not satisfied: " + problems, problems.isEmpty());
    }

    @Test
    public void subsystemsReportHealthAndTheDeviceProfileIsAService() throws InterruptedException {
        ServiceTracker<DeviceProfile, DeviceProfile> profile = new ServiceTracker<>(context, DeviceProfile.class, null);
        profile.open();
        try {
            DeviceProfile active = profile.waitForService(TimeUnit.SECONDS.toMillis(30));
            assertNotNull("no DeviceProfile service within 30 s", active);
            assertTrue(active.cpuCores() > 0);
        } finally {
            profile.close();
        }
        List<String> subsystems = new ArrayList<>();
        try {
            for (var reference : context.getServiceReferences(HealthContributor.class, null)) {
                subsystems.add(String.valueOf(reference.getProperty(HealthContributor.SUBSYSTEM)));
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new AssertionError(e);
        }
        for (String expected : List.of("framework", "broker", "device", "deploy", "container-runtime")) {
            assertTrue("no health from " + expected + " in " + subsystems, subsystems.contains(expected));
        }
    }

    @Test
    public void configurableComponentsDescribeTheirConfigurationWithMetatype() {
        List<String> missing = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (!bundle.getSymbolicName().startsWith("io.hybridge.")) {
                continue;
            }
            var info = metatype.getMetaTypeInformation(bundle);
            List<String> pids = new ArrayList<>();
            if (info != null) {
                pids.addAll(Arrays.asList(info.getPids()));
                pids.addAll(Arrays.asList(info.getFactoryPids()));
            }
            for (String expected : expectedPids(bundle.getSymbolicName())) {
                if (!pids.contains(expected)) {
                    missing.add(bundle.getSymbolicName() + " lacks metatype for " + expected + " (has " + pids + ")");
                }
            }
        }
        assertTrue(String.join("; ", missing), missing.isEmpty());
    }

    @Test
    public void aConfigurationIsPersistedByConfigAdmin() throws IOException {
        var configuration = configAdmin.getConfiguration("io.hybridge.itest.persisted", "?");
        configuration.update(new java.util.Hashtable<>(Map.of("answer", 42)));
        var reread = configAdmin.getConfiguration("io.hybridge.itest.persisted", "?");
        assertEquals(42, reread.getProperties().get("answer"));
        assertTrue(!reread.getAttributes().contains(ConfigurationAttribute.READ_ONLY));
        reread.delete();
    }

    @Test
    public void theOsgiLogServiceReachesTheOneLoggingBackend() throws InterruptedException {
        String marker = "log-bridge-check-" + System.nanoTime();
        CountDownLatch delivered = new CountDownLatch(1);
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.AppenderBase<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.AppenderBase<>() {
                    @Override
                    protected void append(ch.qos.logback.classic.spi.ILoggingEvent event) {
                        if (event.getFormattedMessage().contains(marker)) {
                            delivered.countDown();
                        }
                    }
                };
        appender.start();
        root.addAppender(appender);
        ServiceTracker<org.osgi.service.log.LoggerFactory, org.osgi.service.log.LoggerFactory> logs =
                new ServiceTracker<>(context, org.osgi.service.log.LoggerFactory.class, null);
        logs.open();
        try {
            org.osgi.service.log.LoggerFactory factory = logs.waitForService(10_000);
            assertNotNull("no OSGi LoggerFactory (Log Service 1.4)", factory);
            factory.getLogger("io.hybridge.itest").warn(marker);
            assertTrue("an OSGi Log Service entry did not reach Logback", delivered.await(10, TimeUnit.SECONDS));
        } finally {
            logs.close();
            root.detachAppender(appender);
        }
    }

    private static List<String> expectedPids(String symbolicName) {
        return switch (symbolicName) {
            case "io.hybridge.broker" -> List.of("io.hybridge.broker", "io.hybridge.broker.account");
            case "io.hybridge.device" -> List.of("io.hybridge.device");
            case "io.hybridge.health" -> List.of("io.hybridge.health");
            case "io.hybridge.console" -> List.of("io.hybridge.console.security");
            case "io.hybridge.runtime-container" -> List.of("io.hybridge.runtime.container", "io.hybridge.runtime.container.registry");
            default -> List.of();
        };
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

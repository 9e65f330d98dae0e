package io.hybridge.device.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.annotation.Annotation;
import java.lang.reflect.Proxy;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import io.hybridge.api.device.DeviceProfile;
import io.hybridge.api.device.DeviceProfile.Source;
import io.hybridge.api.health.HealthStatus;

/** The component with plain new, on a fake BundleContext that records registrations. */
class ActiveDeviceProfileTest {

    @TempDir
    Path dir;

    private final BlockingQueue<Registration> registrations = new LinkedBlockingQueue<>();

    /** One registerService call and whether it was unregistered. */
    static final class Registration {
        final Object service;
        final Dictionary<String, ?> properties;
        volatile boolean unregistered;

        Registration(Object service, Dictionary<String, ?> properties) {
            this.service = service;
            this.properties = properties;
        }
    }

    @Test
    void registersTheDetectedProfileOffTheActivationThreadAndUnregistersOnDeactivation() throws Exception {
        ActiveDeviceProfile component = new ActiveDeviceProfile(context(Map.of(
                ActiveDeviceProfile.DOCKER_SOCKET_PROPERTY, dir.resolve("docker.sock").toString())), config("auto"), Map.of());

        Registration registration = registrations.poll(10, TimeUnit.SECONDS);
        assertThat(registration).as("DeviceProfile registered").isNotNull();
        DeviceProfile profile = (DeviceProfile) registration.service;
        String arch = Architectures.linuxName(System.getProperty("os.arch"));
        assertThat(profile.architecture()).isEqualTo(arch);
        assertThat(registration.properties.get("device.profile.id")).isEqualTo(profile.id());
        assertThat(registration.properties.get("device.architecture")).isEqualTo(arch);
        assertThat(profile.capabilities().dockerReachable()).isFalse();
        assertThat(component.subsystem()).isEqualTo("device");
        awaitDetected(component);
        assertThat(component.health().details()).containsEntry("profile", profile.id());

        component.deactivate();
        assertThat(registration.unregistered).isTrue();
        assertThat(registrations).isEmpty();
    }

    @Test
    void anUnknownProfileIdKeepsTheGatewayRunningOnAutoDetectionDegraded() throws Exception {
        ActiveDeviceProfile component = new ActiveDeviceProfile(context(Map.of(
                ActiveDeviceProfile.DOCKER_SOCKET_PROPERTY, dir.resolve("docker.sock").toString())), config("raspbery-pi-4b-4gb"), Map.of("service.pid", "io.hybridge.device"));

        Registration registration = registrations.poll(10, TimeUnit.SECONDS);
        assertThat(registration).isNotNull();
        assertThat(((DeviceProfile) registration.service).source()).isNotEqualTo(Source.CONFIGURED);
        awaitDetected(component);
        assertThat(component.health().status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(component.health().message()).contains("'raspbery-pi-4b-4gb' in configuration io.hybridge.device",
                "raspberry-pi-4b-4gb");
        component.deactivate();
    }

    @Test
    void aBoardFromTheOperatorsProfileDirectoryCanBeChosenByTheLauncherWhileNothingIsConfigured() throws Exception {
        String arch = Architectures.linuxName(System.getProperty("os.arch"));
        new FakeMachine(dir).file("profiles/lab-board.json", """
                {"id": "lab-board", "name": "Lab board", "vendor": "Us", "architecture": "%s",
                 "cpu": {"model": "whatever", "cores": 3}, "memoryMiB": 3000}
                """.formatted(arch));
        ActiveDeviceProfile component = new ActiveDeviceProfile(context(Map.of(
                ActiveDeviceProfile.DOCKER_SOCKET_PROPERTY, dir.resolve("docker.sock").toString(),
                ActiveDeviceProfile.PROFILES_DIR_PROPERTY, dir.resolve("profiles").toString(),
                ActiveDeviceProfile.PROFILE_PROPERTY, "lab-board")), config("auto"), Map.of());

        Registration registration = registrations.poll(10, TimeUnit.SECONDS);
        assertThat(registration).isNotNull();
        DeviceProfile profile = (DeviceProfile) registration.service;
        assertThat(profile).extracting(DeviceProfile::id, DeviceProfile::source, DeviceProfile::cpuCores, DeviceProfile::memoryMiB)
                .containsExactly("lab-board", Source.CONFIGURED, 3, 3000L);
        awaitDetected(component);
        assertThat(component.health().status()).isEqualTo(HealthStatus.UP);
        component.deactivate();
    }

    /** The health follows the registration (so that UP implies a registered service); wait for it. */
    private static void awaitDetected(ActiveDeviceProfile component) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (component.health().status() == HealthStatus.STARTING && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    @Test
    void aConfigurationWinsOverTheLaunchersProfile() throws Exception {
        ActiveDeviceProfile component = new ActiveDeviceProfile(context(Map.of(
                ActiveDeviceProfile.DOCKER_SOCKET_PROPERTY, dir.resolve("docker.sock").toString(),
                ActiveDeviceProfile.PROFILE_PROPERTY, "jetson-orin-nano-8gb")),
                config("x86-industrial-pc"), Map.of("service.pid", "io.hybridge.device", "profile", "x86-industrial-pc"));

        Registration registration = registrations.poll(10, TimeUnit.SECONDS);
        assertThat(registration).isNotNull();
        assertThat(((DeviceProfile) registration.service).id()).isEqualTo("x86-industrial-pc");
        component.deactivate();
    }

    private static DeviceProfileConfig config(String profile) {
        return new DeviceProfileConfig() {
            @Override
            public String profile() {
                return profile;
            }

            @Override
            public int redetect_interval_seconds() {
                return 0;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return DeviceProfileConfig.class;
            }
        };
    }

    /** A BundleContext that knows framework properties, the bundle's profile entries and registerService. */
    private BundleContext context(Map<String, String> frameworkProperties) {
        Bundle bundle = proxy(Bundle.class, (method, args) -> switch (method) {
            case "findEntries" -> Collections.enumeration(Profiles.repositoryFiles().stream()
                    .map(source -> url(Path.of(source.origin()))).toList());
            default -> throw new UnsupportedOperationException(method);
        });
        return proxy(BundleContext.class, (method, args) -> switch (method) {
            case "getProperty" -> frameworkProperties.get((String) args[0]);
            case "getBundle" -> bundle;
            case "registerService" -> register(args[1], (Dictionary<String, ?>) args[2]);
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private ServiceRegistration<?> register(Object service, Dictionary<String, ?> properties) {
        Registration registration = new Registration(service, properties);
        registrations.add(registration);
        return proxy(ServiceRegistration.class, (method, args) -> switch (method) {
            case "unregister" -> {
                registration.unregistered = true;
                yield null;
            }
            default -> throw new UnsupportedOperationException(method);
        });
    }

    private static URL url(Path file) {
        try {
            return file.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    interface Handler {
        Object handle(String method, Object[] args);
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Handler handler) {
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (self, method, args) -> handler.handle(method.getName(), args));
    }

}

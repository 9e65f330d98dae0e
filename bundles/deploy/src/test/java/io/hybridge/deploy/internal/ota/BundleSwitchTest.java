package io.hybridge.deploy.internal.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

import org.apache.felix.framework.FrameworkFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;

/**
 * Switches and undos in a real Felix, including the states a {@code kill -9} leaves: the undo
 * that recovery runs after a restart must restore the previous version whatever Felix persisted.
 */
class BundleSwitchTest {

    @TempDir
    Path dir;

    private Framework framework;
    private UnitStore store;

    @BeforeEach
    void start() throws Exception {
        store = new UnitStore(dir.resolve("store"));
        framework = launch(true);
    }

    @AfterEach
    void stop() throws Exception {
        framework.stop();
        framework.waitForStop(10_000);
    }

    private Framework launch(boolean clean) throws Exception {
        Framework felix = new FrameworkFactory().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, dir.resolve("felix").toString(),
                Constants.FRAMEWORK_STORAGE_CLEAN, clean ? Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT : "none"));
        felix.start();
        return felix;
    }

    private BundleSwitch bundles() {
        return new BundleSwitch(framework.getBundleContext(), store);
    }

    private Path jar(String name, String bsn, String version, String importPackage) throws IOException {
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", bsn);
        main.putValue("Bundle-Version", version);
        if (importPackage != null) {
            main.putValue("Import-Package", importPackage);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.putNextEntry(new ZipEntry("version.txt"));
            jar.write(version.getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        Path file = dir.resolve(name);
        Files.write(file, bytes.toByteArray());
        return file;
    }

    private static String content(Bundle bundle) throws IOException {
        try (InputStream in = bundle.getEntry("version.txt").openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aNewBundleIsInstalledAndStartedAndUndoUninstallsIt() throws Exception {
        BundleSwitch bundles = bundles();
        List<BundleChange> changes = bundles.plan("demo", List.of(jar("a.jar", "io.example.a", "1.0.0", null)));
        assertThat(changes).singleElement().satisfies(change -> {
            assertThat(change.isNew()).isTrue();
            assertThat(change.location()).isEqualTo("hybridge-ota:demo/io.example.a");
        });
        List<Bundle> started = bundles.apply(changes).bundles();
        assertThat(started).singleElement().extracting(Bundle::getState).isEqualTo(Bundle.ACTIVE);
        assertThat(bundles.undo(changes)).isEmpty();
        assertThat(bundles.installed("io.example.a")).isEmpty();
    }

    @Test
    void anUpdateKeepsACopyOfThePreviousVersionAndUndoPutsItBackActive() throws Exception {
        BundleSwitch bundles = bundles();
        Bundle v1 = bundles.apply(bundles.plan("demo", List.of(jar("a1.jar", "io.example.a", "1.0.0", null)))).bundles().get(0);
        List<BundleChange> changes = bundles.plan("demo", List.of(jar("a2.jar", "io.example.a", "2.0.0", null)));
        BundleChange change = changes.get(0);
        assertThat(change.previousVersion()).isEqualTo("1.0.0");
        assertThat(change.wasActive()).isTrue();
        assertThat(Path.of(change.previousJar())).exists();

        BundleSwitch.Switched switched = bundles.apply(changes);
        System.out.println("interruption of io.example.a during its update: " + switched.interruptionMillis() + " ms");
        assertThat(v1.getVersion().toString()).isEqualTo("2.0.0");
        assertThat(content(v1)).isEqualTo("2.0.0");
        assertThat(bundles.undo(changes)).isEmpty();
        assertThat(v1.getVersion().toString()).isEqualTo("1.0.0");
        assertThat(content(v1)).isEqualTo("1.0.0");
        assertThat(v1.getState()).isEqualTo(Bundle.ACTIVE);
    }

    @Test
    void nothingStartsWhenOneBundleOfAUnitDoesNotResolve() throws Exception {
        BundleSwitch bundles = bundles();
        List<BundleChange> changes = bundles.plan("feature", List.of(jar("ok.jar", "io.example.ok", "1.0.0", null),
                jar("bad.jar", "io.example.bad", "1.0.0", "org.example.missing")));
        assertThatThrownBy(() -> bundles.apply(changes))
                .isInstanceOfSatisfying(DeployException.class, e -> assertThat(e.frameworkUnchanged()).isTrue())
                .hasMessageStartingWith("bundle io.example.bad 1.0.0 does not resolve: missing package org.example.missing");
        assertThat(bundles.installed("io.example.ok")).get().extracting(Bundle::getState).isNotEqualTo(Bundle.ACTIVE);
        assertThat(bundles.undo(changes)).isEmpty();
        assertThat(bundles.installed("io.example.ok")).isEmpty();
        assertThat(bundles.installed("io.example.bad")).isEmpty();
    }

    @Test
    void afterARestartMidSwitchTheUndoRestoresThePreviousVersionAndIsIdempotent() throws Exception {
        BundleSwitch bundles = bundles();
        bundles.apply(bundles.plan("demo", List.of(jar("a1.jar", "io.example.a", "1.0.0", null))));
        List<BundleChange> changes = bundles.plan("demo", List.of(jar("a2.jar", "io.example.a", "2.0.0", null),
                jar("b.jar", "io.example.b", "1.0.0", null)));
        // the process dies after Felix persisted the update of a and the install of b, before anything started
        Bundle a = framework.getBundleContext().getBundle(changes.get(0).location());
        a.stop();
        try (InputStream in = Files.newInputStream(Path.of(changes.get(0).jar()))) {
            a.update(in);
        }
        try (InputStream in = Files.newInputStream(Path.of(changes.get(1).jar()))) {
            framework.getBundleContext().installBundle(changes.get(1).location(), in);
        }
        framework.stop();
        framework.waitForStop(10_000);
        framework = launch(false);
        assertThat(framework.getBundleContext().getBundle(changes.get(0).location()).getState())
                .as("the half-switched bundle is not started by the framework").isNotEqualTo(Bundle.ACTIVE);

        BundleSwitch recovered = bundles();
        assertThat(recovered.installed("io.example.a")).get().extracting(b -> b.getVersion().toString()).isEqualTo("2.0.0");
        assertThat(recovered.undo(changes)).isEmpty();
        assertThat(recovered.undo(changes)).isEmpty(); // a second crash during recovery: undo again
        Bundle restored = recovered.installed("io.example.a").orElseThrow();
        assertThat(restored.getVersion().toString()).isEqualTo("1.0.0");
        assertThat(restored.getState()).isEqualTo(Bundle.ACTIVE);
        assertThat(recovered.installed("io.example.b")).isEmpty();
    }

    @Test
    void theGatewaysOwnBundlesAreNotBundleUnits() throws Exception {
        String own = framework.getBundleContext().getBundle().getSymbolicName();
        assertThatThrownBy(() -> bundles().plan("x", List.of(jar("fw.jar", own, "9.0.0", null))))
                .hasMessageContaining("is part of Hybridge itself");
    }
}

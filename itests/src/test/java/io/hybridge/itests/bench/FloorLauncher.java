package io.hybridge.itests.bench;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * The floor of the start-up benchmark: bare Apache Felix with SCR and Config Admin (and the
 * two OSGi utility bundles SCR needs), nothing else. Prints {@code READY} when the framework
 * has started every bundle, then idles until killed.
 *
 * <pre>FloorLauncher &lt;storage-dir&gt; &lt;bundle.jar&gt;...</pre>
 */
public final class FloorLauncher {

    private FloorLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Path storage = Path.of(args[0]);
        boolean firstBoot = !Files.isDirectory(storage);
        Framework framework = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow()
                .newFramework(Map.of("org.osgi.framework.storage", storage.toString()));
        framework.init();
        BundleContext context = framework.getBundleContext();
        if (firstBoot) {
            List<Bundle> installed = new ArrayList<>();
            for (int i = 1; i < args.length; i++) {
                try (InputStream in = Files.newInputStream(Path.of(args[i]))) {
                    installed.add(context.installBundle("floor:" + args[i], in));
                }
            }
            for (Bundle bundle : installed) {
                bundle.start();
            }
        }
        framework.start();
        long sinceJvmStart = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getState() != Bundle.ACTIVE) {
                throw new IllegalStateException(bundle.getSymbolicName() + " is not active");
            }
        }
        System.out.println("READY " + sinceJvmStart + " " + context.getBundles().length);
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                framework.stop();
                framework.waitForStop(10_000);
            } catch (Exception ignored) {
                // benchmark process
            }
        }));
        framework.waitForStop(0);
    }
}

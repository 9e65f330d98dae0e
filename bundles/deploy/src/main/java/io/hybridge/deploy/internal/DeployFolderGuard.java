package io.hybridge.deploy.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.service.component.annotations.Component;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.health.Health;
import io.hybridge.api.health.HealthContributor;
import io.hybridge.api.health.HealthStatus;

/**
 * Claims the jars in {@code deploy/} that are not bundles, which FileInstall would otherwise
 * skip without a word: each is reported with its name and why, and listed in {@code /health}
 * until it is fixed or removed. Valid bundles are not claimed and take FileInstall's normal
 * path. A fixed file (same name, new content) is handed back by removing the claim.
 */
@Component(service = {ArtifactInstaller.class, HealthContributor.class},
        property = HealthContributor.SUBSYSTEM + "=deploy")
public class DeployFolderGuard implements ArtifactInstaller, HealthContributor {

    private static final Logger LOG = LoggerFactory.getLogger(DeployFolderGuard.class);

    private final Map<String, String> rejected = new ConcurrentHashMap<>();

    @Override
    public boolean canHandle(File artifact) {
        if (!artifact.getName().endsWith(".jar") || !artifact.isFile()) {
            return false;
        }
        Optional<String> problem = check(artifact);
        if (problem.isEmpty()) {
            rejected.remove(artifact.getPath());
        }
        return problem.isPresent();
    }

    @Override
    public void install(File artifact) {
        reject(artifact);
    }

    @Override
    public void update(File artifact) {
        reject(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        if (rejected.remove(artifact.getPath()) != null) {
            LOG.info("deploy/{} removed; it was not installed", artifact.getName());
        }
    }

    private void reject(File artifact) {
        check(artifact).ifPresentOrElse(problem -> {
            rejected.put(artifact.getPath(), problem);
            LOG.error("deploy/{} was not installed: {}. Replace it with a valid OSGi bundle or remove it; "
                    + "nothing else was changed.", artifact.getName(), problem);
        }, () -> rejected.remove(artifact.getPath()));
    }

    private static Optional<String> check(File artifact) {
        try (InputStream in = Files.newInputStream(artifact.toPath())) {
            return BundleArchiveCheck.problem(in);
        } catch (IOException e) {
            return Optional.of("unreadable: " + e.getMessage());
        }
    }

    @Override
    public String subsystem() {
        return "deploy";
    }

    @Override
    public Health health() {
        if (rejected.isEmpty()) {
            return Health.up("deploy/ folder watched");
        }
        Map<String, String> byName = new TreeMap<>();
        rejected.forEach((path, problem) -> byName.put(new File(path).getName(), problem));
        return Health.of(HealthStatus.DEGRADED, byName.size() + " file(s) in deploy/ not installed",
                Map.of("rejected", byName));
    }
}

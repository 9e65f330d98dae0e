package io.hybridge.assembler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactRequest;
import org.eclipse.aether.resolution.ArtifactResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;

/**
 * Finds the jar of a feature bundle: Hybridge's own from the reactor build, the rest
 * through Maven Resolver (local repository first, then Maven Central).
 */
final class BundleResolver implements AutoCloseable {

    private final Path repoRoot;
    private final RepositorySystem system;
    private final DefaultRepositorySystemSession session;
    private final List<RemoteRepository> remotes;

    BundleResolver(Path localRepository, Path repoRoot) {
        this.repoRoot = repoRoot;
        this.system = new RepositorySystemSupplier().get();
        this.session = new DefaultRepositorySystemSession();
        session.setLocalRepositoryManager(system.newLocalRepositoryManager(session, new LocalRepository(localRepository.toFile())));
        // Maven itself records downloads as coming from "central"; using that id reuses them offline
        this.remotes = List.of(new RemoteRepository.Builder("central", "default", "https://repo.maven.apache.org/maven2/").build());
    }

    Path resolve(String coordinates) throws IOException, Assemble.FeatureException {
        String[] p = coordinates.split(":");
        if (Assemble.OWN_GROUP.equals(p[0])) {
            return fromReactor(p[1], p[p.length - 1]);
        }
        String artifactCoords = p.length == 3 ? p[0] + ":" + p[1] + ":jar:" + p[2] : coordinates;
        try {
            return system.resolveArtifact(session, new ArtifactRequest(new DefaultArtifact(artifactCoords), remotes, null))
                    .getArtifact().getFile().toPath();
        } catch (ArtifactResolutionException e) {
            throw new Assemble.FeatureException("cannot resolve " + coordinates + ": " + e.getMessage());
        }
    }

    private Path fromReactor(String artifactId, String version) throws IOException, Assemble.FeatureException {
        String name = artifactId + "-" + version + ".jar";
        try (Stream<Path> modules = Files.list(repoRoot.resolve("bundles"))) {
            return modules.map(m -> m.resolve("target").resolve(name))
                    .filter(Files::isRegularFile)
                    .findFirst()
                    .orElseThrow(() -> new Assemble.FeatureException(name + " was not built: no bundles/*/target/" + name
                            + " (is its module listed in bundles/pom.xml and built before the distribution?)"));
        }
    }

    @Override
    public void close() {
        system.shutdown();
    }
}

package io.hybridge.workloads.internal.deploy;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Optional;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.WorkloadService;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.workloads.internal.supervisor.Supervisor;

/**
 * {@code *.workload.json} files in {@code deploy/} (Felix FileInstall hands them over): dropping or
 * changing one applies its spec through the same path as every other source (a workload
 * configuration with source {@code deploy:<file>}); deleting it removes the workload, unless
 * another source has replaced the spec since. A file that is not a valid spec is logged with
 * every problem, shown in the workload's status under the file's name, and changes nothing.
 */
@Component(service = ArtifactInstaller.class)
public final class WorkloadFileInstaller implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadFileInstaller.class);
    static final String SUFFIX = ".workload.json";

    private final WorkloadService workloads;
    private final Supervisor supervisor;
    private final ConfigurationAdmin configAdmin;

    @Activate
    public WorkloadFileInstaller(@Reference WorkloadService workloads, @Reference Supervisor supervisor,
                                 @Reference ConfigurationAdmin configAdmin) {
        this.workloads = workloads;
        this.supervisor = supervisor;
        this.configAdmin = configAdmin;
    }

    @Override
    public boolean canHandle(File artifact) {
        return artifact.getName().endsWith(SUFFIX) && artifact.getName().length() > SUFFIX.length();
    }

    @Override
    public void install(File artifact) {
        String source = source(artifact);
        String json;
        try {
            json = Files.readString(artifact.toPath(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            LOG.error("Workload file {} cannot be read: {}", artifact, e.toString());
            return;
        }
        try {
            WorkloadSpec spec = workloads.parse(json);
            boolean changed = workloads.apply(spec, source);
            LOG.info("Workload file {}: {}", artifact.getName(), changed ? "spec of '" + spec.name() + "' applied" : "unchanged");
        } catch (InvalidSpecException e) {
            LOG.error("Workload file {} refused, nothing changed: {}", artifact, e.getMessage());
            supervisor.refuse(nameOf(artifact), source, "file " + artifact.getName() + ": " + e.getMessage());
        }
    }

    @Override
    public void update(File artifact) {
        install(artifact);
    }

    @Override
    public void uninstall(File artifact) {
        String source = source(artifact);
        Optional<String> name = workloadFrom(source);
        if (name.isPresent()) {
            LOG.info("Workload file {} deleted: removing workload '{}'", artifact.getName(), name.get());
            workloads.remove(name.get());
        } else {
            // never applied (invalid), or another source has replaced its spec since: nothing of the file's is in force
            supervisor.forgetRefusal(nameOf(artifact), source);
        }
    }

    /** The workload whose configuration came from this file, if its spec still does. */
    private Optional<String> workloadFrom(String source) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(&(service.factoryPid=" + WorkloadService.FACTORY_PID
                    + ")(source=" + escape(source) + "))");
            if (found == null || found.length == 0) {
                return Optional.empty();
            }
            return Optional.of(Supervisor.workloadName(found[0].getPid(), found[0].getProperties().get("name")));
        } catch (IOException | InvalidSyntaxException e) {
            LOG.warn("Workload configurations cannot be read: {}", e.toString());
            return Optional.empty();
        }
    }

    static String source(File artifact) {
        return "deploy:" + artifact.getName();
    }

    /** {@code vision.workload.json} speaks for workload {@code vision} until its content says otherwise. */
    static String nameOf(File artifact) {
        String file = artifact.getName();
        return file.substring(0, file.length() - SUFFIX.length());
    }

    private static String escape(String value) {
        return value.replace("\\", "\\5c").replace("*", "\\2a").replace("(", "\\28").replace(")", "\\29");
    }
}

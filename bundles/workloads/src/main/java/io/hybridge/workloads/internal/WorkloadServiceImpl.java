package io.hybridge.workloads.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadService;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadStatus;
import io.hybridge.workloads.internal.spec.SpecValidator;
import io.hybridge.workloads.internal.spec.WorkloadJson;
import io.hybridge.workloads.internal.spec.WorkloadProperties;
import io.hybridge.workloads.internal.supervisor.Supervisor;

/**
 * The gateway's {@link WorkloadService}: specs are validated (generally and by their runtime) and
 * written as workload configurations, which the supervisor then acts on; status comes from the
 * supervisor.
 */
@Component(service = WorkloadService.class)
public final class WorkloadServiceImpl implements WorkloadService {
    private static final Logger LOG = LoggerFactory.getLogger(WorkloadServiceImpl.class);

    private final Supervisor supervisor;
    private final ConfigurationAdmin configAdmin;

    @Activate
    public WorkloadServiceImpl(@Reference Supervisor supervisor, @Reference ConfigurationAdmin configAdmin) {
        this.supervisor = supervisor;
        this.configAdmin = configAdmin;
    }

    @Override
    public WorkloadSpec parse(String json) throws InvalidSpecException {
        return WorkloadJson.parse(json);
    }

    @Override
    public WorkloadSpec parse(String json, String name) throws InvalidSpecException {
        return WorkloadJson.parseFor(json, name);
    }

    @Override
    public String toJson(WorkloadSpec spec) {
        return WorkloadJson.toJson(spec);
    }

    @Override
    public boolean apply(WorkloadSpec spec, String source) throws InvalidSpecException {
        SpecValidator.validate(spec);
        List<SpecProblem> runtimeProblems = supervisor.runtimeProblems(spec);
        if (!runtimeProblems.isEmpty()) {
            throw new InvalidSpecException("workload spec " + spec.name(), runtimeProblems);
        }
        try {
            Configuration configuration = configAdmin.getFactoryConfiguration(FACTORY_PID, spec.name(), "?");
            Dictionary<String, Object> current = configuration.getProperties();
            if (current != null && sameSpec(current, spec) && Objects.equals(current.get(WorkloadProperties.SOURCE), source)) {
                return false;
            }
            configuration.update(WorkloadProperties.toDictionary(spec, source));
            LOG.info("Workload {}: spec written (from {})", spec.name(), source);
            return true;
        } catch (IOException e) {
            throw new IllegalStateException("the configuration of workload " + spec.name() + " could not be written: " + e.getMessage(), e);
        }
    }

    private static boolean sameSpec(Dictionary<String, Object> current, WorkloadSpec spec) {
        Map<String, Object> properties = new HashMap<>();
        for (Enumeration<String> keys = current.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            properties.put(key, current.get(key));
        }
        try {
            return WorkloadProperties.toSpec(properties).equals(spec);
        } catch (InvalidSpecException e) {
            return false;
        }
    }

    @Override
    public boolean remove(String name) {
        try {
            Configuration[] found = configAdmin.listConfigurations("(service.factoryPid=" + FACTORY_PID + ")");
            boolean removed = false;
            if (found != null) {
                for (Configuration configuration : found) {
                    Dictionary<String, Object> properties = configuration.getProperties();
                    if (name.equals(Supervisor.workloadName(configuration.getPid(),
                            properties == null ? null : properties.get(WorkloadProperties.NAME)))) {
                        configuration.delete();
                        removed = true;
                    }
                }
            }
            return removed;
        } catch (IOException | org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException("the configuration of workload " + name + " could not be deleted: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean restart(String name) {
        return supervisor.restart(name);
    }

    @Override
    public List<WorkloadStatus> list() {
        return supervisor.list();
    }

    @Override
    public Optional<WorkloadStatus> status(String name) {
        return supervisor.status(name);
    }

    @Override
    public Optional<WorkloadSpec> spec(String name) {
        return supervisor.spec(name);
    }

    @Override
    public List<String> logs(String name, int maxLines) {
        return new ArrayList<>(supervisor.logs(name, maxLines));
    }
}

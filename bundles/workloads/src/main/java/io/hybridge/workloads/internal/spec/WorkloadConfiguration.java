package io.hybridge.workloads.internal.spec;

import java.util.Map;

import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.WorkloadService;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.workloads.internal.supervisor.Supervisor;

/**
 * One workload configuration (factory PID {@code io.hybridge.workload}, named after the workload):
 * the single path every spec takes — the console's form, CONF-V2, {@code deploy/} files, the
 * {@code WORKLOADS-V1} app and {@link WorkloadService#apply} all end up here. Hands a valid spec to
 * the supervisor, a refused one with its problems (the spec in force stays). Only a deleted
 * configuration removes the workload; a stopping bundle or gateway leaves its instances running.
 */
@Component(configurationPid = WorkloadService.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = WorkloadConfiguration.class, immediate = true)
@Designate(ocd = WorkloadConfig.class, factory = true)
public final class WorkloadConfiguration {

    private final Supervisor supervisor;
    private String name;

    @Activate
    public WorkloadConfiguration(@Reference Supervisor supervisor, Map<String, Object> properties) {
        this.supervisor = supervisor;
        apply(properties);
    }

    @Modified
    void modified(Map<String, Object> properties) {
        apply(properties);
    }

    @Deactivate
    void deactivate(int reason) {
        if (reason == ComponentConstants.DEACTIVATION_REASON_CONFIGURATION_DELETED) {
            supervisor.undesire(name);
        } else {
            supervisor.forget(name);
        }
    }

    private void apply(Map<String, Object> properties) {
        name = Supervisor.workloadName(String.valueOf(properties.get("service.pid")), properties.get(WorkloadProperties.NAME));
        String source = WorkloadProperties.source(properties);
        try {
            WorkloadSpec spec = WorkloadProperties.toSpec(properties);
            supervisor.desire(spec, SpecHash.of(spec), source);
        } catch (InvalidSpecException e) {
            supervisor.refuse(name, source, e.getMessage());
        }
    }
}

package io.hybridge.workloads.internal.supervisor;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(
        name = "Hybridge workload supervisor",
        description = "How the gateway supervises its workloads (each workload is a configuration of"
                + " 'Hybridge workload'). Changes restart the supervisor; running workloads are adopted,"
                + " not restarted.")
@interface SupervisorConfig {

    @AttributeDefinition(name = "Gateway id", required = false,
            description = "Marks this gateway's containers and microVMs so that gateways sharing an engine never"
                    + " touch each other's: 1-32 lower-case letters, digits and '-'. Empty: generated once and"
                    + " kept in var/workloads/gateway-id. Changing it orphans the running instances (they are"
                    + " left alone, not adopted).")
    String gatewayId() default "";

    @AttributeDefinition(name = "Stop grace (s)", min = "0", max = "600",
            description = "How long an instance may take to stop after it is asked to before it is killed.")
    double stopGraceSeconds() default 10;
}

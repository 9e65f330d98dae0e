package io.hybridge.api.workload;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway's workloads: desired specs and what the supervisor made of them. Every way a spec
 * comes in (Config Admin factory configurations of PID {@link #FACTORY_PID}, {@code
 * *.workload.json} files in {@code deploy/}, the {@code WORKLOADS-V1} request app, this
 * service) ends in the same factory configuration, so there is one source of truth and it
 * survives restarts.
 */
@ProviderType
public interface WorkloadService {

    /** Factory PID of workload configurations; the configuration's name is the workload name. */
    String FACTORY_PID = "io.hybridge.workload";

    /**
     * Parses and validates a spec in its JSON form (everything checked, every problem named).
     *
     * @throws InvalidSpecException listing each field that is wrong
     */
    WorkloadSpec parse(String json) throws InvalidSpecException;

    /**
     * Parses a spec sent for the workload {@code name} (e.g. {@code PUT workloads/<name>}): a
     * document without a {@code name} takes this one; one with another name is refused.
     *
     * @throws InvalidSpecException listing each field that is wrong
     */
    WorkloadSpec parse(String json, String name) throws InvalidSpecException;

    /** The JSON form of a spec, as {@link #parse} reads it. */
    String toJson(WorkloadSpec spec);

    /**
     * Creates or replaces a workload. Validated first (including by its runtime, if that runtime
     * is present); an invalid spec changes nothing.
     *
     * @param source recorded in the status, e.g. {@code cloud}
     * @return whether anything changed (false: the same spec was already in force)
     */
    boolean apply(WorkloadSpec spec, String source) throws InvalidSpecException;

    /** Stops and removes a workload and its instances. @return false when there was none */
    boolean remove(String name);

    /** Restarts every replica now, also out of {@code crash-loop}. @return false when there is none */
    boolean restart(String name);

    List<WorkloadStatus> list();

    Optional<WorkloadStatus> status(String name);

    Optional<WorkloadSpec> spec(String name);

    /** The last lines of each replica's output (prefixed by replica when there are several). */
    List<String> logs(String name, int maxLines);
}

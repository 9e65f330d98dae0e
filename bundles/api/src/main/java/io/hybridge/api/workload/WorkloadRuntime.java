package io.hybridge.api.workload;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A place workloads run: a container engine, a VMM. Registered as an OSGi service with the
 * property {@link #TYPE} set to the {@link RuntimeType#id()} it serves.
 *
 * <p>A runtime does what it is told to one instance and reports what it sees; restart policy,
 * backoff, health and reconcile belong to the supervisor. Instances it creates carry marks
 * (container labels, a pid file and manifest) with the gateway id, workload name, replica and
 * spec hash, so that after a gateway restart {@link #instances(String)} finds exactly the gateway's
 * own instances and the supervisor can adopt, recreate or remove them.
 *
 * <p>Methods other than {@link #availability()} and {@link #watch} may block on the engine
 * (image pulls: minutes); the supervisor calls them off its state-machine threads. Failures
 * are {@link WorkloadException}s with a reason and a message naming the input.
 */
@ConsumerType
public interface WorkloadRuntime {

    /** Service property: the runtime type id, e.g. {@code container}. */
    String TYPE = "hybridge.workload.runtime";

    RuntimeType type();

    /** Whether the engine answers now; cheap (a cached view the runtime keeps current). */
    RuntimeAvailability availability();

    /**
     * Runtime-specific checks of a spec that is valid in general: options it does not know,
     * things it cannot do. Nothing on the host is touched. Empty when fine.
     */
    List<SpecProblem> validate(WorkloadSpec spec);

    /**
     * Makes the spec's image present: loads it from the spec's archive, or pulls it as the pull
     * policy says (with the registry credentials the runtime is configured with), verifying a
     * pinned digest.
     *
     * @param forcePull pull a moving tag again even under {@code if-not-present}
     */
    void prepare(WorkloadSpec spec, boolean forcePull) throws WorkloadException;

    /** Creates and starts one instance; returns it running (or already exited, if that fast). */
    InstanceInfo start(InstanceRequest request) throws WorkloadException;

    /** Asks the instance to stop, and kills it after {@code grace}. No error if it already stopped. */
    void stop(String instanceId, Duration grace) throws WorkloadException;

    /** Removes a stopped (or, forcibly, a running) instance. No error if already gone. */
    void remove(String instanceId) throws WorkloadException;

    /** Every instance marked with this gateway id, in any state. */
    List<InstanceInfo> instances(String gatewayId) throws WorkloadException;

    /**
     * The instances of one workload marked with this gateway id. A runtime that can ask its
     * engine for just those (a label filter) should: a new workload's first start waits on this.
     */
    default List<InstanceInfo> instances(String gatewayId, String workload) throws WorkloadException {
        return instances(gatewayId).stream().filter(instance -> instance.workloadName().equals(workload)).toList();
    }

    /** One instance, if it exists. */
    Optional<InstanceInfo> inspect(String instanceId) throws WorkloadException;

    /** A recent usage sample, if the instance runs and the engine reports one. */
    Optional<ResourceUsage> usage(String instanceId);

    /** The last {@code maxLines} lines the instance wrote (stdout and stderr, or the VM console). */
    List<String> logs(String instanceId, int maxLines) throws WorkloadException;

    /**
     * Delivers each new output line to {@code sink} until the instance exits or the returned
     * handle is closed. Called on a runtime thread.
     */
    AutoCloseable followLogs(String instanceId, Consumer<String> sink) throws WorkloadException;

    /** Registers a listener until the returned handle is closed. */
    AutoCloseable watch(RuntimeListener listener);

    /**
     * Whether this runtime loads image archives of that format: {@code docker-archive} (a
     * {@code docker save} tar) or {@code oci-layout} (an OCI image layout as a tar). The OTA
     * agent hands workload-image units to the first runtime that does.
     *
     * @since 1.1
     */
    default boolean canLoadImageArchive(String format) {
        return false;
    }

    /**
     * Loads the images of an archive into the runtime's local store, so that specs can name
     * them without a registry. Long-running (seconds to minutes).
     *
     * @return the image references (or ids) the archive held
     * @throws WorkloadException IMAGE_INVALID for an archive the engine refuses, ENGINE_UNAVAILABLE
     * @since 1.1
     */
    default List<String> loadImageArchive(java.nio.file.Path archive) throws WorkloadException {
        throw new WorkloadException(WorkloadException.Reason.IMAGE_INVALID, "the " + type()
                + " runtime does not load image archives");
    }

    /**
     * The image a reference names on this gateway now, as an id that stays valid when the name
     * moves (container: the engine's image id; unikernel: the manifest digest); empty when the
     * reference names nothing here. The OTA agent takes it before loading a workload-image unit,
     * to put the name back if the new image fails its health gate.
     *
     * @throws WorkloadException ENGINE_UNAVAILABLE, or IMAGE_NOT_FOUND for a reference that
     *                           cannot be parsed
     * @since 1.2
     */
    default java.util.Optional<String> localImageId(String reference) throws WorkloadException {
        return java.util.Optional.empty();
    }

    /**
     * Points a reference at an image this gateway holds, as {@link #localImageId} named it, or
     * removes the name when {@code imageId} is empty (the content stays until nothing uses it).
     * Instances created afterwards run that image; running instances are not touched.
     *
     * @throws WorkloadException IMAGE_NOT_FOUND when the image is no longer here, ENGINE_UNAVAILABLE
     * @since 1.2
     */
    default void pointImage(String reference, java.util.Optional<String> imageId) throws WorkloadException {
        throw new WorkloadException(WorkloadException.Reason.IMAGE_INVALID, "the " + type()
                + " runtime cannot move image names");
    }
}

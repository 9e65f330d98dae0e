package io.hybridge.api.workload;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears what a runtime sees, as soon as it sees it (from the engine's event stream or the VMM
 * process's exit, not by polling). Called on the runtime's thread: do not block.
 */
@ConsumerType
public interface RuntimeListener {

    /** One of the gateway's instances stopped running (or vanished: then {@code exitCode} is -1). */
    void instanceExited(InstanceInfo instance);

    /** The engine went away or came back. */
    void availabilityChanged(RuntimeAvailability availability);
}

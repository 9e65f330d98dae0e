package io.hybridge.api.cloud;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A management app on the Kura request/response channel (CONF-V2, DEPLOY-V2, WORKLOADS-V1…).
 * Register it as an OSGi service with the property {@link #APP_ID}; the cloud link subscribes
 * to its requests, lists it in the BIRTH/APPS metric {@code application_ids}, and sends what
 * {@link #handle} returns as the reply.
 *
 * <p>{@code handle} is called on a worker thread, one request at a time per app, in arrival
 * order. A handler validates everything before it changes anything: a reply other than 2xx
 * means nothing was applied. An unchecked exception becomes a 500 reply with its message.
 */
@ConsumerType
public interface RequestHandler {
    /** Service property: the app id this handler answers for, e.g. {@code CONF-V2}. */
    String APP_ID = "hybridge.cloud.app.id";

    CloudResponse handle(CloudRequest request);
}

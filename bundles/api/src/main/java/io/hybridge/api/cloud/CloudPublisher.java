package io.hybridge.api.cloud;

import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Publishes to the cloud under the gateway's Kura namespace. Registered by the cloud link while
 * a cloud connection is configured (connected or not: messages at QoS 1 wait in the store).
 *
 * <p>Data messages go to {@code <account>/<client-id>/<app-id>/<topic>}. At QoS 1 the returned
 * stage completes once the message is on disk (it will reach the broker at least once, across
 * outages, restarts and crashes); at QoS 0 once it is handed to the connection, and it fails
 * when the link is down. It fails with {@link CloudPublishException} when the store refuses the
 * message (full under the refuse-new policy) or the input is invalid.
 */
@ProviderType
public interface CloudPublisher {
    /** Lifecycle messages (BIRTH, APPS, DC) leave first. */
    int PRIORITY_LIFECYCLE = 0;
    /** Replies to requests and notifications. */
    int PRIORITY_REPLY = 1;
    /** Alerts a publisher wants ahead of telemetry. */
    int PRIORITY_ALERT = 2;
    /** Ordinary telemetry; the default. */
    int PRIORITY_TELEMETRY = 5;
    /** The lowest priority; dropped first under the drop-oldest policy. */
    int PRIORITY_LOWEST = 9;

    /** The account (Kapua scope) the gateway publishes under. */
    String accountName();

    /** The gateway's MQTT client id, the second topic level. */
    String clientId();

    /** Whether the MQTT connection to the cloud broker is up right now. */
    boolean isConnected();

    /**
     * Publishes a data message on {@code <account>/<client-id>/<appId>/<topic>}.
     *
     * @param qos      0 or 1 (2 is treated as 1: the store gives at-least-once)
     * @param priority 0 (first) to 9 (last)
     */
    CompletionStage<Void> publish(String appId, String topic, KuraPayload payload, int qos, int priority);

    /**
     * Sends a notification for a request being worked on, on
     * {@code $EDC/<account>/<requester>/<appId>/NOTIFY/<client-id>/<type>} at QoS 1.
     */
    CompletionStage<Void> notify(String requesterClientId, String appId, String type, KuraPayload payload);

    /**
     * Publishes a new BIRTH now when connected (else the next connect sends one anyway), with the
     * current metrics of every {@link BirthContributor}: call it after a change the fleet's
     * inventory must see, e.g. an installed deployment package.
     *
     * @since 1.1
     */
    default void republishBirth() {
        // an implementation of 1.0 has no BIRTH to repeat on request; the next connect sends one
    }
}

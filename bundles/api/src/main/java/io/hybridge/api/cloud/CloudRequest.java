package io.hybridge.api.cloud;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * One request that arrived on {@code $EDC/<account>/<client-id>/<app-id>/<VERB>/<resource...>}.
 *
 * @param appId             the management app addressed, e.g. {@code CONF-V2}
 * @param verb              the topic's verb
 * @param resources         the topic levels after the verb, e.g. {@code [configurableComponents, configurations]}
 * @param requestId         the payload's {@code request.id} metric
 * @param requesterClientId the payload's {@code requester.client.id} metric: where the reply goes
 * @param payload           the whole request payload (metrics and body)
 */
public record CloudRequest(String appId, Verb verb, List<String> resources, String requestId,
                           String requesterClientId, KuraPayload payload) {

    public CloudRequest {
        Objects.requireNonNull(appId, "appId");
        Objects.requireNonNull(verb, "verb");
        resources = List.copyOf(resources);
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(requesterClientId, "requesterClientId");
        Objects.requireNonNull(payload, "payload");
    }

    /** The resources joined by '/', e.g. {@code configurableComponents/configurations}; "" for none. */
    public String resourcePath() {
        return String.join("/", resources);
    }

    /** The payload's body decoded as UTF-8 ("" when there is none): CONF-V2 and friends carry JSON here. */
    public String bodyText() {
        byte[] body = payload.body();
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }
}

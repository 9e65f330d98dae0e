package io.hybridge.cloud.internal.link;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.hybridge.api.cloud.CloudRequest;
import io.hybridge.api.cloud.CloudResponse;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.RequestHandler;
import io.hybridge.api.cloud.Verb;
import io.hybridge.cloud.internal.payload.PayloadCodec;
import io.hybridge.cloud.internal.payload.PayloadException;

/**
 * Kura's request/response channel: turns a message on
 * {@code $EDC/<account>/<client-id>/<app-id>/<VERB>/<resource...>} into a {@link CloudRequest},
 * runs the app's {@link RequestHandler} and sends its answer to
 * {@code $EDC/<account>/<requester>/<app-id>/REPLY/<request.id>}.
 *
 * <p>Bad input always gets an answer naming the problem, and the connection stays up. A
 * request that cannot be attributed (payload undecodable, {@code requester.client.id} or
 * {@code request.id} missing) cannot reach its sender the Kura way, so its error goes to
 * {@code $EDC/<account>/<requester or this gateway's client id>/<app-id>/REPLY/_invalid}: a
 * management tool subscribed to either namespace sees it.
 *
 * <p>Each app's requests run one at a time in arrival order on the app's own thread, so a slow
 * deployment never holds up a configuration request, and no handler runs on the MQTT thread.
 */
final class RequestDispatcher implements AutoCloseable {

    static final String REQUEST_ID = "request.id";
    static final String REQUESTER = "requester.client.id";
    static final String RESPONSE_CODE = "response.code";
    static final String RESPONSE_MESSAGE = "response.exception.message";
    static final String INVALID_REQUEST_ID = "_invalid";

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    /** Where replies go; the cloud connection stores and sends them. */
    interface ReplySender {
        void send(String topic, KuraPayload payload);
    }

    private record App(RequestHandler handler, ExecutorService worker) {
    }

    private final KuraTopics topics;
    private final PayloadCodec codec;
    private final int maxRequestBytes;
    private final ReplySender replies;
    private final Map<String, App> apps = new ConcurrentHashMap<>();
    private final AtomicLong handled = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    RequestDispatcher(KuraTopics topics, PayloadCodec codec, int maxRequestBytes, ReplySender replies) {
        this.topics = topics;
        this.codec = codec;
        this.maxRequestBytes = maxRequestBytes;
        this.replies = replies;
    }

    /** @return {@code false} if another handler already answers for this app id (the first one stays) */
    boolean addHandler(String appId, RequestHandler handler) {
        ExecutorService worker = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "hybridge-cloud-app-" + appId);
            thread.setDaemon(true);
            return thread;
        });
        if (apps.putIfAbsent(appId, new App(handler, worker)) != null) {
            worker.shutdown();
            return false;
        }
        return true;
    }

    void removeHandler(String appId, RequestHandler handler) {
        App app = apps.get(appId);
        if (app != null && app.handler() == handler && apps.remove(appId, app)) {
            app.worker().shutdown();
        }
    }

    Set<String> appIds() {
        return new TreeSet<>(apps.keySet());
    }

    long handled() {
        return handled.get();
    }

    long rejected() {
        return rejected.get();
    }

    /** Called on the MQTT client's thread: decodes, then hands the work to the app's thread. */
    void dispatch(String topic, byte[] bytes) {
        String[] levels = topic.split("/", -1);
        // $EDC / account / client / app / VERB / resources...
        if (levels.length < 5) {
            return; // not a request (the subscriptions only deliver requests)
        }
        String appId = levels[3];
        Verb verb = Verb.byTopicLevel(levels[4]);
        List<String> resources = Arrays.asList(levels).subList(5, levels.length);
        KuraPayload payload;
        try {
            payload = codec.decode(bytes);
        } catch (PayloadException e) {
            refuse(null, appId, null, "request on " + topic + " has a payload that is not a " + codec.name()
                    + " KuraPayload: " + e.getMessage());
            return;
        }
        String requester = stringMetric(payload, REQUESTER);
        String requestId = stringMetric(payload, REQUEST_ID);
        if (!KuraTopics.isLevel(requester) || !KuraTopics.isLevel(requestId)) {
            refuse(KuraTopics.isLevel(requester) ? requester : null, appId, null, "request on " + topic
                    + " needs the string metrics " + REQUESTER + " and " + REQUEST_ID
                    + " (each one topic level, without '/', '+', '#'); got " + REQUESTER + "="
                    + describe(payload.metric(REQUESTER)) + ", " + REQUEST_ID + "=" + describe(payload.metric(REQUEST_ID)));
            return;
        }
        if (bytes.length > maxRequestBytes || bodyLength(payload) > maxRequestBytes) {
            refuse(requester, appId, requestId, "request on " + topic + " is " + Math.max(bytes.length, bodyLength(payload))
                    + " bytes; the largest this gateway takes is " + maxRequestBytes + " (max.request.bytes)");
            return;
        }
        if (verb == null) {
            refuse(requester, appId, requestId, "'" + levels[4] + "' in " + topic
                    + " is not a request verb; expected GET, PUT, POST, DEL or EXEC");
            return;
        }
        App app = apps.get(appId);
        if (app == null) {
            rejected.incrementAndGet();
            reply(requester, appId, requestId, CloudResponse.notFound("no management app '" + appId
                    + "' on this gateway; apps here: " + String.join(", ", appIds())));
            return;
        }
        CloudRequest request = new CloudRequest(appId, verb, resources, requestId, requester, payload);
        try {
            app.worker().execute(() -> run(app.handler(), request));
        } catch (RejectedExecutionException e) {
            reply(requester, appId, requestId, CloudResponse.internalError(
                    "management app '" + appId + "' is stopping; try again"));
        }
    }

    private void run(RequestHandler handler, CloudRequest request) {
        CloudResponse response;
        try {
            response = handler.handle(request);
            if (response == null) {
                response = CloudResponse.internalError("management app '" + request.appId() + "' gave no answer");
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.error("Management app {} failed on {} {}", request.appId(), request.verb(), request.resourcePath(), e);
            response = CloudResponse.internalError(e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        handled.incrementAndGet();
        reply(request.requesterClientId(), request.appId(), request.requestId(), response);
    }

    private void refuse(String requester, String appId, String requestId, String problem) {
        rejected.incrementAndGet();
        LOG.warn("Cloud request refused: {}", problem);
        reply(requester == null ? topics.clientId() : requester, KuraTopics.isLevel(appId) ? appId : "_unknown",
                requestId == null ? INVALID_REQUEST_ID : requestId, CloudResponse.badRequest(problem));
    }

    private void reply(String requester, String appId, String requestId, CloudResponse response) {
        KuraPayload.Builder reply = response.payload().toBuilder().metric(RESPONSE_CODE, response.code());
        if (response.exceptionMessage() != null) {
            reply.metric(RESPONSE_MESSAGE, response.exceptionMessage());
        }
        if (response.payload().timestamp() == null) {
            reply.timestamp(java.time.Instant.now());
        }
        try {
            replies.send(topics.reply(requester, appId, requestId), reply.build());
        } catch (RuntimeException e) {
            LOG.error("Reply {} to {} for {} could not be queued: {}", requestId, requester, appId, e.getMessage());
        }
    }

    private static String stringMetric(KuraPayload payload, String name) {
        Object value = payload.metric(name);
        return value instanceof String s ? s : null;
    }

    private static int bodyLength(KuraPayload payload) {
        byte[] body = payload.body();
        return body == null ? 0 : body.length;
    }

    private static String describe(Object value) {
        return value == null ? "(missing)" : value instanceof String ? "'" + value + "'"
                : value + " (" + value.getClass().getSimpleName() + ", expected a string)";
    }

    @Override
    public void close() {
        apps.values().forEach(app -> app.worker().shutdown());
        apps.clear();
    }
}

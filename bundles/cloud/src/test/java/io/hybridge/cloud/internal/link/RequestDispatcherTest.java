package io.hybridge.cloud.internal.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.hybridge.api.cloud.CloudRequest;
import io.hybridge.api.cloud.CloudResponse;
import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.api.cloud.Verb;
import io.hybridge.cloud.internal.payload.KuraProtobufCodec;

class RequestDispatcherTest {

    private record Reply(String topic, KuraPayload payload) {
    }

    private final BlockingQueue<Reply> replies = new LinkedBlockingQueue<>();
    private final KuraProtobufCodec codec = new KuraProtobufCodec();
    private final RequestDispatcher dispatcher = new RequestDispatcher(new KuraTopics("acme", "gw-1"), codec, 4096,
            (topic, payload) -> replies.add(new Reply(topic, payload)));

    @AfterEach
    void close() {
        dispatcher.close();
    }

    private byte[] request(String requester, String requestId, String body) {
        KuraPayload.Builder b = KuraPayload.builder();
        if (requester != null) {
            b.metric("requester.client.id", requester);
        }
        if (requestId != null) {
            b.metric("request.id", requestId);
        }
        if (body != null) {
            b.body(body.getBytes(StandardCharsets.UTF_8));
        }
        return codec.encode(b.build());
    }

    private Reply next() throws InterruptedException {
        Reply reply = replies.poll(Duration.ofSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(reply).as("a reply").isNotNull();
        return reply;
    }

    @Test
    void runsTheAppsHandlerAndRepliesOnTheRequestersReplyTopic() throws Exception {
        BlockingQueue<CloudRequest> seen = new LinkedBlockingQueue<>();
        dispatcher.addHandler("CONF-V2", request -> {
            seen.add(request);
            return CloudResponse.okJson("{\"ok\":true}");
        });

        dispatcher.dispatch("$EDC/acme/gw-1/CONF-V2/GET/configurableComponents/configurations",
                request("kapua-1", "r-1", "{}"));

        Reply reply = next();
        assertThat(reply.topic()).isEqualTo("$EDC/acme/kapua-1/CONF-V2/REPLY/r-1");
        assertThat(reply.payload().metric("response.code")).isEqualTo(200);
        assertThat(reply.payload().metric("response.exception.message")).isNull();
        assertThat(new String(reply.payload().body(), StandardCharsets.UTF_8)).isEqualTo("{\"ok\":true}");
        CloudRequest request = seen.poll();
        assertThat(request.verb()).isEqualTo(Verb.GET);
        assertThat(request.resources()).containsExactly("configurableComponents", "configurations");
        assertThat(request.bodyText()).isEqualTo("{}");
    }

    @Test
    void unknownAppGets404NamingIt() throws Exception {
        dispatcher.addHandler("CONF-V2", request -> CloudResponse.ok());
        dispatcher.dispatch("$EDC/acme/gw-1/DEPLOY-V9/GET/x", request("kapua-1", "r-2", null));
        Reply reply = next();
        assertThat(reply.topic()).isEqualTo("$EDC/acme/kapua-1/DEPLOY-V9/REPLY/r-2");
        assertThat(reply.payload().metric("response.code")).isEqualTo(404);
        assertThat((String) reply.payload().metric("response.exception.message")).contains("DEPLOY-V9").contains("CONF-V2");
    }

    @Test
    void undecodablePayloadIsAnsweredOnTheGatewaysInvalidTopic() throws Exception {
        dispatcher.dispatch("$EDC/acme/gw-1/CONF-V2/GET/x", new byte[] {(byte) 0xff, 0x01, 0x02});
        Reply reply = next();
        assertThat(reply.topic()).isEqualTo("$EDC/acme/gw-1/CONF-V2/REPLY/_invalid");
        assertThat(reply.payload().metric("response.code")).isEqualTo(400);
        assertThat((String) reply.payload().metric("response.exception.message")).contains("KuraPayload");
        assertThat(dispatcher.rejected()).isEqualTo(1);
    }

    @Test
    void missingRequestIdIsAnsweredToTheRequesterWhenKnown() throws Exception {
        dispatcher.dispatch("$EDC/acme/gw-1/CONF-V2/GET/x", request("kapua-1", null, null));
        Reply reply = next();
        assertThat(reply.topic()).isEqualTo("$EDC/acme/kapua-1/CONF-V2/REPLY/_invalid");
        assertThat((String) reply.payload().metric("response.exception.message")).contains("request.id").contains("missing");
    }

    @Test
    void oversizedBadVerbAndFailingHandlersGetErrors() throws Exception {
        dispatcher.addHandler("CONF-V2", request -> {
            throw new IllegalStateException("boom");
        });
        dispatcher.dispatch("$EDC/acme/gw-1/CONF-V2/PUT/x", request("k", "big", "x".repeat(5000)));
        Reply big = next();
        assertThat(big.payload().metric("response.code")).isEqualTo(400);
        assertThat((String) big.payload().metric("response.exception.message")).contains("max.request.bytes");

        dispatcher.dispatch("$EDC/acme/gw-1/CONF-V2/FETCH/x", request("k", "verb", null));
        assertThat((String) next().payload().metric("response.exception.message")).contains("GET, PUT, POST, DEL or EXEC");

        dispatcher.dispatch("$EDC/acme/gw-1/CONF-V2/GET/x", request("k", "fail", null));
        Reply failed = next();
        assertThat(failed.payload().metric("response.code")).isEqualTo(500);
        assertThat((String) failed.payload().metric("response.exception.message")).contains("boom");
    }

    @Test
    void secondHandlerForTheSameAppIsRefused() {
        assertThat(dispatcher.addHandler("CONF-V2", request -> CloudResponse.ok())).isTrue();
        assertThat(dispatcher.addHandler("CONF-V2", request -> CloudResponse.ok())).isFalse();
        assertThat(dispatcher.appIds()).containsExactly("CONF-V2");
    }
}

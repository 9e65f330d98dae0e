package io.hybridge.api.cloud;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * What a {@link RequestHandler} answers. The cloud link sends it on
 * {@code $EDC/<account>/<requester>/<app-id>/REPLY/<request.id>} with the metrics
 * {@code response.code} and, for errors, {@code response.exception.message}.
 *
 * @param code             200, 400, 404 or 500, as Kura uses them
 * @param exceptionMessage what went wrong, naming the input and what would be right; {@code null} on success
 * @param payload          further metrics and the body of the reply; never {@code null}
 */
public record CloudResponse(int code, String exceptionMessage, KuraPayload payload) {
    public static final int OK = 200;
    public static final int BAD_REQUEST = 400;
    public static final int NOT_FOUND = 404;
    public static final int INTERNAL_ERROR = 500;

    public CloudResponse {
        Objects.requireNonNull(payload, "payload");
    }

    public static CloudResponse ok() {
        return new CloudResponse(OK, null, KuraPayload.builder().build());
    }

    public static CloudResponse ok(KuraPayload payload) {
        return new CloudResponse(OK, null, payload);
    }

    /** A 200 reply whose body is this JSON text (UTF-8). */
    public static CloudResponse okJson(String json) {
        return new CloudResponse(OK, null,
                KuraPayload.builder().body(json.getBytes(StandardCharsets.UTF_8)).build());
    }

    public static CloudResponse badRequest(String message) {
        return error(BAD_REQUEST, message);
    }

    public static CloudResponse notFound(String message) {
        return error(NOT_FOUND, message);
    }

    public static CloudResponse internalError(String message) {
        return error(INTERNAL_ERROR, message);
    }

    public static CloudResponse error(int code, String message) {
        return new CloudResponse(code, message, KuraPayload.builder().build());
    }

    public boolean isSuccess() {
        return code >= 200 && code < 300;
    }
}

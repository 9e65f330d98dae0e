package io.hybridge.fleet.wire;

import io.hybridge.api.cloud.KuraPayload;

/** A gateway's answer to a request: {@code response.code}, its message and the whole payload. */
public record Reply(int code, String message, KuraPayload payload) {

    static Reply of(KuraPayload payload) {
        Object code = payload.metric(DeployV2.RESPONSE_CODE);
        int value = code instanceof Number n ? n.intValue() : code instanceof String s ? parse(s) : 500;
        Object message = payload.metric(DeployV2.RESPONSE_MESSAGE);
        return new Reply(value, message == null ? null : message.toString(), payload);
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 500;
        }
    }

    public boolean ok() {
        return code >= 200 && code < 300;
    }

    /**
     * The id of the job the gateway says is running, from a 409 reply or its Kura-style 500
     * stand-in ({@code "busy: job <id> is running"}), or -1 if the reply says nothing of the kind.
     */
    public long busyJobId() {
        if (message == null || !(code == 409 || code == 500)) {
            return -1;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("busy: job (-?\\d+) is running").matcher(message);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}

package io.hybridge.cloud.internal.link;

/**
 * The broker answered a publish with an error reason code (MQTT 5 PUBACK &ge; 0x80, e.g. 0x87 not
 * authorised). Sending the same message again would get the same answer, so the forwarder
 * removes it from the store, counts it and logs it instead of retrying forever.
 */
final class BrokerRejection extends Exception {
    private static final long serialVersionUID = 1L;

    private final int reasonCode;

    BrokerRejection(String topic, int reasonCode) {
        super("the broker refused the message on " + topic + " with reason code 0x"
                + Integer.toHexString(reasonCode) + (reasonCode == 0x87 ? " (not authorised)" : ""));
        this.reasonCode = reasonCode;
    }

    int reasonCode() {
        return reasonCode;
    }
}

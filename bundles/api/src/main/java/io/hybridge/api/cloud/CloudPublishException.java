package io.hybridge.api.cloud;

/** A message the cloud link would not take: the store is full, the input is invalid or the link is down at QoS 0. */
public class CloudPublishException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CloudPublishException(String message) {
        super(message);
    }

    public CloudPublishException(String message, Throwable cause) {
        super(message, cause);
    }
}

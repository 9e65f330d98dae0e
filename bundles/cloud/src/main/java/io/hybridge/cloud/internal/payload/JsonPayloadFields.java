package io.hybridge.cloud.internal.payload;

/** Member names of Kura's simple JSON payload (Kura's {@code CloudPayloadJsonFields}). */
final class JsonPayloadFields {
    static final String SENT_ON = "sentOn";
    static final String POSITION = "position";
    static final String METRICS = "metrics";
    static final String BODY = "body";

    static final String LATITUDE = "latitude";
    static final String LONGITUDE = "longitude";
    static final String ALTITUDE = "altitude";
    static final String HEADING = "heading";
    static final String PRECISION = "precision";
    static final String SATELLITES = "satellites";
    static final String SPEED = "speed";
    static final String TIMESTAMP = "timestamp";
    static final String STATUS = "status";

    private JsonPayloadFields() {
    }
}

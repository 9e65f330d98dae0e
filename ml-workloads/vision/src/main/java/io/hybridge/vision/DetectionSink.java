package io.hybridge.vision;

/** Where the workload's messages go. */
public interface DetectionSink extends AutoCloseable {

    /** Hands one message on; false if it was dropped (broker away, too many in flight). */
    boolean detections(String json);

    /** Hands one stats message on; false if it was dropped. */
    boolean stats(String json);

    /** Sends what is still pending (within a bounded time) and lets go of the broker. */
    @Override
    void close();

    /** MQTT_URI=none: nothing leaves the process. */
    DetectionSink NONE = new DetectionSink() {
        @Override
        public boolean detections(String json) {
            return true;
        }

        @Override
        public boolean stats(String json) {
            return true;
        }

        @Override
        public void close() {
        }
    };
}

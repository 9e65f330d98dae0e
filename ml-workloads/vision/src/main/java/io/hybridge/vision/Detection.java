package io.hybridge.vision;

import java.util.OptionalDouble;

/**
 * One thing found in a frame: its kind, its bounding box in the frame's pixel coordinates
 * and, when the detector gives one, a score (for motion the share of changed pixels in the
 * box, 0..1; for faces the cascade's level weight — larger is surer, not a probability).
 */
public record Detection(Kind kind, int x, int y, int width, int height, OptionalDouble score) {

    public enum Kind {
        MOTION("motion"), FACE("face");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /** The {@code type} in the JSON messages. */
        public String wireName() {
            return wireName;
        }
    }

    public Detection {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("empty box " + width + "x" + height);
        }
    }

    public int centreX() {
        return x + width / 2;
    }

    public int centreY() {
        return y + height / 2;
    }
}

package io.hybridge.cloud.internal.route;

/** Which way a route moves messages, by the name its configuration uses. */
enum Direction {
    /** Local bus to cloud. */
    TO_CLOUD("to-cloud"),
    /** Cloud to local bus. */
    FROM_CLOUD("from-cloud");

    private final String configName;

    Direction(String configName) {
        this.configName = configName;
    }

    String configName() {
        return configName;
    }

    /** The direction with this name, or null. */
    static Direction byName(String name) {
        for (Direction direction : values()) {
            if (direction.configName.equals(name)) {
                return direction;
            }
        }
        return null;
    }
}

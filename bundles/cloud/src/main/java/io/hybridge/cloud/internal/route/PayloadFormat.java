package io.hybridge.cloud.internal.route;

/** What a route does to payloads on the way, by the name its configuration uses. */
enum PayloadFormat {
    /** The local bytes are the body of a KuraPayload on the cloud side. */
    KURA("kura"),
    /** The bytes pass unchanged. */
    RAW("raw");

    private final String configName;

    PayloadFormat(String configName) {
        this.configName = configName;
    }

    String configName() {
        return configName;
    }

    /** The format with this name, or null. */
    static PayloadFormat byName(String name) {
        for (PayloadFormat format : values()) {
            if (format.configName.equals(name)) {
                return format;
            }
        }
        return null;
    }
}

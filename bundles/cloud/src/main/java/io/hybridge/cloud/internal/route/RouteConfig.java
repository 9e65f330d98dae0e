package io.hybridge.cloud.internal.route;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

@ObjectClassDefinition(
        name = "Hybridge sensor route",
        description = "Moves messages between the gateway's local MQTT bus and the cloud: to-cloud"
                + " forwards what local clients publish under a topic filter to a cloud app topic;"
                + " from-cloud delivers what arrives on a cloud app topic filter to local topics."
                + " One configuration per route. A route runs while the cloud link and the local"
                + " broker run; an invalid route is logged with the field to fix and does nothing.")
@interface RouteConfig {

    @AttributeDefinition(name = "Direction", options = {
        @Option(value = "to-cloud", label = "to-cloud: local bus to cloud"),
        @Option(value = "from-cloud", label = "from-cloud: cloud to local bus")},
            description = "to-cloud (local bus to cloud) or from-cloud (cloud to local bus).")
    String direction() default "to-cloud";

    @AttributeDefinition(name = "Local topic",
            description = "to-cloud: the local topic filter to forward, e.g. sensors/+/temperature"
                    + " (+ one level, # the last level and all below). from-cloud: the local topic"
                    + " prefix to publish under, e.g. cloud/commands; the cloud topic below the app"
                    + " is appended.")
    String local_topic();

    @AttributeDefinition(name = "Cloud app",
            description = "The cloud app id, one topic level: messages use <account>/<client-id>/<app>/<topic>.")
    String cloud_app() default "TELEMETRY";

    @AttributeDefinition(name = "Cloud topic", required = false,
            description = "to-cloud: the topic under the app; {topic} is the local topic, {1}..{n}"
                    + " the levels the local filter's wildcards matched, in order (# matches the rest"
                    + " as one value). Empty: {topic}. from-cloud: the topic filter under the app to"
                    + " subscribe to. Empty: #.")
    String cloud_topic() default "";

    @AttributeDefinition(name = "QoS", min = "0", max = "1",
            description = "0 (at most once) or 1 (at least once; to-cloud messages wait in the"
                    + " gateway's store while the cloud is unreachable).")
    int qos() default 1;

    @AttributeDefinition(name = "Priority", min = "0", max = "9",
            description = "to-cloud: 0 (first) to 9 (last) in the store; telemetry is 5.")
    int priority() default 5;

    @AttributeDefinition(name = "Payload format", options = {
        @Option(value = "kura", label = "kura: local bytes are a KuraPayload's body"),
        @Option(value = "raw", label = "raw: bytes unchanged")},
            description = "kura: to-cloud wraps the local bytes as the body of a KuraPayload with a"
                    + " timestamp; from-cloud delivers the body of the KuraPayload. raw: bytes unchanged.")
    String payload_format() default "kura";

    @AttributeDefinition(name = "Payload encoding", options = {
        @Option(value = "kura-protobuf", label = "kura-protobuf"),
        @Option(value = "json", label = "json")},
            description = "How KuraPayloads are written and read on the cloud side: kura-protobuf"
                    + " (Kura and Kapua) or json (Kura simple JSON).")
    String payload_encoding() default "kura-protobuf";

    @AttributeDefinition(name = "Rate limit (messages per second)", min = "0",
            description = "Messages above this rate are dropped and counted; 0: unlimited."
                    + " Fractions work: 0.1 is one message every 10 seconds.")
    double rate_limit_per_second() default 0;

    @AttributeDefinition(name = "Aggregation window (seconds)", min = "0", max = "86400",
            description = "to-cloud only. 0: forward every message. Otherwise numeric payloads"
                    + " (a number as text or JSON) are aggregated per local topic over windows of"
                    + " this length, and one KuraPayload with metrics count, min, max and mean is"
                    + " sent per topic and window, stamped with the window's end.")
    int aggregation_window_seconds() default 0;
}

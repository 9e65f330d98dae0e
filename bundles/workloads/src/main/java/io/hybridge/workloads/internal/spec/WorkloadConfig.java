package io.hybridge.workloads.internal.spec;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.osgi.service.metatype.annotations.Option;

/**
 * The Config Admin form of a workload spec: factory PID {@code io.hybridge.workload}, one
 * configuration per workload, named after it. Flat, typed attributes so the web console and
 * CONF-V2 edit it as a form; {@link WorkloadProperties} reads and writes them. Method names
 * become property keys with '_' as '.' ({@code restart_mode()} is {@code restart.mode}).
 * Defaults are the {@code WorkloadSpec} defaults (checked by a test).
 *
 * <p>Package-private like every component configuration (STYLE.md 4): the component that
 * designates it ({@code @Designate(ocd = WorkloadConfig.class, factory = true)}) lives in this
 * package.
 */
@ObjectClassDefinition(
        name = "Hybridge workload",
        description = "A workload the gateway runs and supervises: an image in a container (or a microVM), with"
                + " its limits, mounts, devices, restart policy, health check and its own account on the local"
                + " broker. One configuration per workload; the configuration's name is the workload name. The"
                + " same spec as a *.workload.json file; see the workloads bundle's README for every field.")
@interface WorkloadConfig {

    @AttributeDefinition(name = "Name", description = "Unique on the gateway: 1–63 lower-case letters, digits"
            + " and '-', starting with a letter, e.g. vision. Equal to the configuration's name.")
    String name();

    @AttributeDefinition(name = "Description", required = false, description = "For operators.")
    String description() default "";

    @AttributeDefinition(name = "Runtime", options = {
        @Option(value = "container", label = "container: an OCI container (Docker-compatible engine)"),
        @Option(value = "unikernel", label = "unikernel: a microVM"),
        @Option(value = "auto", label = "auto: the gateway chooses (container for now)")},
            description = "Where the workload runs.")
    String runtime() default "container";

    @AttributeDefinition(name = "Image", description = "[host[:port]/]path[:tag][@sha256:<64 hex>], e.g."
            + " registry.local:5000/hybridge/vision:1.0. A digest pins the content.")
    String image();

    @AttributeDefinition(name = "Image pull policy", options = {
        @Option(value = "if-not-present", label = "if-not-present: pull when not present"),
        @Option(value = "always", label = "always: pull a moving tag at every start"),
        @Option(value = "never", label = "never: use only what is present or in the archive")},
            description = "When to fetch the image from its registry.")
    String image_pullPolicy() default "if-not-present";

    @AttributeDefinition(name = "Image archive", required = false, description = "Absolute path of an image"
            + " archive on the gateway (docker save tar, or an OCI layout for microVMs), loaded when the image is"
            + " not present; for offline gateways. Empty: none.")
    String image_archive() default "";

    @AttributeDefinition(name = "Command", required = false, description = "Arguments replacing the image's"
            + " default command, one per value. Empty keeps the image's.")
    String[] command() default {};

    @AttributeDefinition(name = "CPUs", min = "0", max = "1024", description = "CPU time as a number of CPUs"
            + " (0.5 = half of one); 0 = no limit.")
    double cpus() default 0;

    @AttributeDefinition(name = "Memory (MiB)", min = "0", description = "Memory limit in MiB, at least 6;"
            + " 0 = no limit.")
    long memoryMiB() default 0;

    @AttributeDefinition(name = "Processes", min = "0", description = "Limit on processes and threads; 0 = no"
            + " limit.")
    int pids() default 0;

    @AttributeDefinition(name = "Environment", required = false, description = "NAME=value, one per value."
            + " With bus access the gateway sets MQTT_URI, MQTT_USERNAME, MQTT_PASSWORD and MQTT_CLIENT_ID itself.")
    String[] env() default {};

    @AttributeDefinition(name = "Ports", required = false, description = "Published ports,"
            + " [ip:]hostPort:containerPort[/tcp|udp], e.g. 8080:80 or 127.0.0.1:5353:53/udp.")
    String[] ports() default {};

    @AttributeDefinition(name = "Volumes", required = false, description = "Mounts: tmpfs:/target[:size=<MiB>],"
            + " bind:/source:/target[:ro] or volume:name:/target[:ro].")
    String[] volumes() default {};

    @AttributeDefinition(name = "Devices", required = false, description = "Host devices passed through,"
            + " /dev/x[:/dev/y][:rwm], e.g. /dev/video0 or /dev/ttyUSB0:/dev/ttyS0:rw.")
    String[] devices() default {};

    @AttributeDefinition(name = "Network", options = {
        @Option(value = "bridge", label = "bridge: own network, the gateway's broker reachable"),
        @Option(value = "host", label = "host: the gateway's network"),
        @Option(value = "none", label = "none: no network (no bus access)")},
            description = "The workload's network.")
    String network() default "bridge";

    @AttributeDefinition(name = "Read-only root file system", description = "Mount the root file system"
            + " read-only (give writable paths as tmpfs or volumes).")
    boolean readOnlyRootFilesystem() default false;

    @AttributeDefinition(name = "Restart mode", options = {
        @Option(value = "on-failure", label = "on-failure: after a non-zero exit"),
        @Option(value = "always", label = "always: after any exit"),
        @Option(value = "never", label = "never")},
            description = "When the gateway starts the workload again after it exits.")
    String restart_mode() default "on-failure";

    @AttributeDefinition(name = "Restart: first backoff (seconds)", description = "Wait before the first"
            + " restart; fractions work (0.5).")
    double restart_initialBackoffSeconds() default 1;

    @AttributeDefinition(name = "Restart: longest backoff (seconds)", description = "The wait grows up to this.")
    double restart_maxBackoffSeconds() default 60;

    @AttributeDefinition(name = "Restart: backoff multiplier", min = "1", max = "10", description = "Each"
            + " further wait is the last one times this; 1 = constant.")
    double restart_multiplier() default 2.0;

    @AttributeDefinition(name = "Restart: crash-loop limit", min = "1", max = "1000", description = "After this"
            + " many consecutive failed runs the workload stays stopped (crash-loop) until restarted or changed.")
    int restart_crashLoopLimit() default 5;

    @AttributeDefinition(name = "Restart: stable after (seconds)", description = "A run this long resets the"
            + " count of failed runs.")
    double restart_stableAfterSeconds() default 60;

    @AttributeDefinition(name = "Health check", options = {
        @Option(value = "process", label = "process: running is healthy"),
        @Option(value = "tcp", label = "tcp: a connect to the port succeeds"),
        @Option(value = "mqtt-heartbeat", label = "mqtt-heartbeat: a message on the topic at least every timeout")},
            description = "How the gateway decides the workload is healthy.")
    String health_type() default "process";

    @AttributeDefinition(name = "Health: port", min = "0", max = "65535", description = "tcp: the published"
            + " host port to connect to.")
    int health_port() default 0;

    @AttributeDefinition(name = "Health: topic", required = false, description = "mqtt-heartbeat: the topic"
            + " (no wildcards, within Bus: publish) the workload publishes to regularly.")
    String health_topic() default "";

    @AttributeDefinition(name = "Health: interval (seconds)", description = "How often to check.")
    double health_intervalSeconds() default 10;

    @AttributeDefinition(name = "Health: timeout (seconds)", description = "One check's limit; for"
            + " heartbeats, the longest silence.")
    double health_timeoutSeconds() default 5;

    @AttributeDefinition(name = "Health: start period (seconds)", description = "Grace after a start during"
            + " which failures do not count.")
    double health_startPeriodSeconds() default 0;

    @AttributeDefinition(name = "Health: failure threshold", min = "1", description = "Consecutive failures"
            + " that make it unhealthy (and restart it, unless the restart mode is never).")
    int health_failureThreshold() default 3;

    @AttributeDefinition(name = "Bus: publish", required = false, description = "MQTT topic filters the"
            + " workload may publish to on the local broker, with its own account, e.g. vision/#.")
    String[] bus_publish() default {};

    @AttributeDefinition(name = "Bus: subscribe", required = false, description = "MQTT topic filters the"
            + " workload may subscribe to. Both empty: no broker account.")
    String[] bus_subscribe() default {};

    @AttributeDefinition(name = "Replicas", min = "0", max = "16", description = "How many instances; 0 keeps"
            + " the workload without running it.")
    int replicas() default 1;

    @AttributeDefinition(name = "Logs: lines kept", min = "0", max = "100000", description = "Output lines kept"
            + " per instance.")
    int logs_maxLines() default 1000;

    @AttributeDefinition(name = "Logs: forward topic", required = false, description = "Local-broker topic"
            + " each output line is published to; empty = none.")
    String logs_forwardTopic() default "";

    @AttributeDefinition(name = "Runtime options", required = false, description = "key=value settings of the"
            + " runtime, one per value (documented by each runtime).")
    String[] options() default {};

    @AttributeDefinition(name = "Source", required = false, description = "Where the spec came from: config,"
            + " deploy:<file> or cloud. Informational.")
    String source() default "config";
}

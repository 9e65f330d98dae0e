package io.hybridge.workloads.internal.spec;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadSpec.BusAccess;
import io.hybridge.api.workload.WorkloadSpec.HealthCheck;
import io.hybridge.api.workload.WorkloadSpec.Logs;
import io.hybridge.api.workload.WorkloadSpec.RestartPolicy;

/** How the gateway looks after a spec's instances: restarts, health, the bus account, logs. */
final class SupervisionRules {

    static final double MAX_MULTIPLIER = 10;
    static final int MAX_CRASH_LOOP_LIMIT = 1000;

    private SupervisionRules() {
    }

    static void check(WorkloadSpec spec, Problems problems) {
        checkRestart(spec.restartPolicy(), problems);
        checkBus(spec.bus(), problems);
        checkHealth(spec, problems);
        checkLogs(spec.logs(), problems);
    }

    private static void checkRestart(RestartPolicy restart, Problems problems) {
        String backoff = "restartPolicy.backoff.";
        positive(backoff + "initialSeconds", restart.initialBackoff(), "e.g. 1", problems);
        if (restart.maxBackoff().compareTo(restart.initialBackoff()) < 0) {
            problems.add(backoff + "maxSeconds", Seconds.show(restart.maxBackoff()) + " is less than initialSeconds "
                    + Seconds.show(restart.initialBackoff()) + "; use at least " + Seconds.show(restart.initialBackoff()));
        }
        double multiplier = restart.multiplier();
        if (Double.isNaN(multiplier) || multiplier < 1 || multiplier > MAX_MULTIPLIER) {
            problems.add(backoff + "multiplier", Problems.show(multiplier) + " is not 1–10; use 1 for a constant"
                    + " backoff or up to 10, e.g. 2 doubles the wait after each failure");
        }
        if (restart.crashLoopLimit() < 1 || restart.crashLoopLimit() > MAX_CRASH_LOOP_LIMIT) {
            problems.add("restartPolicy.crashLoopLimit", restart.crashLoopLimit() + " is not 1–" + MAX_CRASH_LOOP_LIMIT
                    + "; use the number of consecutive failed runs after which it stays stopped, e.g. 5");
        }
        positive("restartPolicy.stableAfterSeconds", restart.stableAfter(), "e.g. 60", problems);
    }

    private static void checkBus(BusAccess bus, Problems problems) {
        checkFilters("bus.publish", bus.publish(), problems);
        checkFilters("bus.subscribe", bus.subscribe(), problems);
    }

    private static void checkFilters(String field, List<String> filters, Problems problems) {
        for (int i = 0; i < filters.size(); i++) {
            String filter = filters.get(i);
            Optional<String> problem = TopicFilter.filterProblem(filter);
            if (problem.isPresent()) {
                problems.add(field + "[" + i + "]", (filter.isEmpty() ? "" : Problems.show(filter) + " is not an"
                        + " MQTT topic filter: ") + problem.get() + "; use e.g. vision/# or sensors/+/temperature");
            }
        }
    }

    private static void checkHealth(WorkloadSpec spec, Problems problems) {
        HealthCheck health = spec.healthCheck();
        switch (health.type()) {
            case TCP -> checkTcpPort(spec, health.port(), problems);
            case MQTT_HEARTBEAT -> checkHeartbeatTopic(health.topic(), spec.bus(), problems);
            case PROCESS -> {
                // running is healthy: nothing else to check
            }
        }
        positive("healthCheck.intervalSeconds", health.interval(), "e.g. 10", problems);
        positive("healthCheck.timeoutSeconds", health.timeout(), "e.g. 5", problems);
        if (health.startPeriod().isNegative()) {
            problems.add("healthCheck.startPeriodSeconds", Seconds.show(health.startPeriod()) + " is negative; use 0"
                    + " or the seconds after a start during which failures do not count");
        }
        if (health.failureThreshold() < 1) {
            problems.add("healthCheck.failureThreshold", health.failureThreshold() + " is below 1; use the number of"
                    + " consecutive failures that make it unhealthy, e.g. 3");
        }
    }

    private static void checkTcpPort(WorkloadSpec spec, int port, Problems problems) {
        String field = "healthCheck.port";
        if (port < 1 || port > 65_535) {
            problems.add(field, port + " is not a port; a tcp health check connects to a port on the gateway, 1–65535");
        } else if (spec.network().equals("none")) {
            problems.add(field, port + " cannot be reached: network none publishes no ports; use network bridge with"
                    + " the port in ports, or another health check type");
        } else if (spec.network().equals("bridge")
                && spec.ports().stream().noneMatch(published -> published.hostPort() == port)) {
            problems.add(field, port + " is not a published host port, so the check could never connect; publish it"
                    + " in ports (e.g. \"" + port + ":" + port + "\") or use network host");
        }
    }

    private static void checkHeartbeatTopic(String topic, BusAccess bus, Problems problems) {
        String field = "healthCheck.topic";
        if (topic.isEmpty()) {
            problems.add(field, "missing; an mqtt-heartbeat check needs the topic the workload publishes to"
                    + " regularly, e.g. vision/stats");
            return;
        }
        Optional<String> problem = TopicFilter.topicProblem(topic);
        if (problem.isPresent()) {
            problems.add(field, Problems.show(topic) + " is not a topic to publish to: " + problem.get()
                    + "; use e.g. vision/stats");
        } else if (bus.publish().stream().noneMatch(filter -> TopicFilter.matches(filter, topic))) {
            problems.add(field, Problems.show(topic) + " is not within bus.publish " + bus.publish()
                    + ", so the workload could never publish it; add it (or a filter covering it) to bus.publish");
        }
    }

    private static void checkLogs(Logs logs, Problems problems) {
        if (logs.maxLines() < 0 || logs.maxLines() > SpecValidator.MAX_LOG_LINES) {
            problems.add("logs.maxLines", logs.maxLines() + " is not 0–100000; use the number of output lines"
                    + " kept per instance, e.g. 1000");
        }
        if (!logs.forwardTopic().isEmpty()) {
            Optional<String> problem = TopicFilter.topicProblem(logs.forwardTopic());
            problem.ifPresent(why -> problems.add("logs.forwardTopic", Problems.show(logs.forwardTopic())
                    + " is not a topic to publish to: " + why + "; use e.g. logs/vision, or empty for none"));
        }
    }

    private static void positive(String field, Duration duration, String example, Problems problems) {
        if (duration.isNegative() || duration.isZero()) {
            problems.add(field, Seconds.show(duration) + " is not positive; use a number of seconds above 0, " + example);
        }
    }
}

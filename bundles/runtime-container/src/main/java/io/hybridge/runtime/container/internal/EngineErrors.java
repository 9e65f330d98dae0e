package io.hybridge.runtime.container.internal;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.dockerjava.api.exception.DockerException;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadException.Reason;

/**
 * Turns what the engine said into a {@link WorkloadException} whose reason the supervisor acts
 * on and whose message names the input and what would be right. The engine's own words stay
 * at the end of every message: they are the detail an operator searches for.
 */
final class EngineErrors {

    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern HOST_PORT = Pattern.compile("(?:\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9a-fA-F:]*\\]|::):(\\d{1,5})");
    private static final Pattern DEVICE = Pattern.compile("custom device \"([^\"]+)\"");

    private EngineErrors() {
    }

    /** Whether the engine itself could not be reached (connection refused, no socket, connection lost). */
    static boolean engineUnreachable(Throwable error) {
        if (error instanceof DockerException) {
            return false;
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    static WorkloadException engineUnavailable(String engineUri, Throwable error) {
        return new WorkloadException(Reason.ENGINE_UNAVAILABLE, unreachable(engineUri, error), error);
    }

    /** The availability text for an engine that does not answer. */
    static String unreachable(String engineUri, Throwable error) {
        return "engine not reachable at " + engineUri + ": " + rootCause(error) + "; start dockerd or set engineUri";
    }

    /** The engine's message: the {@code message} of its JSON error body, else the exception's text. */
    static String engineMessage(Throwable error) {
        String text = error.getMessage() == null ? error.toString() : error.getMessage();
        Matcher json = MESSAGE.matcher(text);
        if (json.find()) {
            return unescape(json.group(1));
        }
        return text.replaceFirst("^Status \\d+: ", "").replaceFirst("^Could not pull image: ", "").strip();
    }

    /** A failed create or start of the instance {@code plan}. */
    static WorkloadException forStart(Throwable error, ContainerPlan plan, String engineUri) {
        if (engineUnreachable(error)) {
            return engineUnavailable(engineUri, error);
        }
        String engine = engineMessage(error);
        String lower = engine.toLowerCase(Locale.ROOT);
        String instance = "instance " + plan.name();
        if (lower.contains("port is already allocated") || lower.contains("address already in use")) {
            String port = port(engine).map(p -> "host port " + p).orElse("a host port of " + plan.publishedPorts());
            return new WorkloadException(Reason.PORT_IN_USE, instance + ": " + port + " is already in use on the gateway"
                    + " (ports: " + plan.publishedPorts() + "); stop what holds it or publish another hostPort. Engine: " + engine, error);
        }
        if (lower.contains("custom device") || lower.contains("error gathering device information")) {
            String device = device(engine).orElse("a device of " + plan.devices());
            return new WorkloadException(Reason.DEVICE_MISSING, instance + ": device " + device
                    + " does not exist on the gateway; connect it, or remove it from the spec's devices. Engine: " + engine, error);
        }
        if (lower.contains("range of cpus is from") || lower.contains("cannot allocate memory")) {
            return new WorkloadException(Reason.INSUFFICIENT_RESOURCES, instance + ": the spec's resources are more than this"
                    + " gateway has; lower resources.cpus / resources.memoryMiB. Engine: " + engine, error);
        }
        if (lower.contains("no such image")) {
            return new WorkloadException(Reason.IMAGE_NOT_FOUND, instance + ": image " + plan.image()
                    + " is not present on the gateway; prepare it first (pull or load). Engine: " + engine, error);
        }
        return new WorkloadException(Reason.START_FAILED, instance + " (image " + plan.image() + ") did not start: " + engine, error);
    }

    /** A failed pull of {@code reference} (as sent to the engine). */
    static WorkloadException forPull(Throwable error, ImageReference reference, String engineUri) {
        if (engineUnreachable(error)) {
            return engineUnavailable(engineUri, error);
        }
        String engine = engineMessage(error);
        String lower = engine.toLowerCase(Locale.ROOT);
        String registry = reference.hasRegistry() ? reference.registry() : "the registry";
        if (lower.contains("no basic auth credentials") || lower.contains("unauthorized") || lower.contains("authentication required")
                || lower.contains("incorrect username or password")) {
            return new WorkloadException(Reason.REGISTRY_AUTH, "pull of " + reference + ": " + registry
                    + " refused the credentials; configure io.hybridge.runtime.container.registry for " + registry
                    + " with an account that may read " + reference.repository() + ". Engine: " + engine, error);
        }
        if (lower.contains("digest mismatch") || lower.contains("verification failed") || lower.contains("invalid checksum")
                || lower.contains("unexpected eof") || lower.contains("invalid tar header")) {
            return new WorkloadException(Reason.IMAGE_INVALID, "pull of " + reference + ": the registry's content does not match"
                    + " what it claims (corrupt or tampered); check the registry's copy. Engine: " + engine, error);
        }
        if (lower.contains("manifest unknown") || lower.contains("not found") || lower.contains("repository does not exist")
                || lower.contains("pull access denied") || lower.contains("name unknown")) {
            return new WorkloadException(Reason.IMAGE_NOT_FOUND, "pull of " + reference + ": " + registry + " has no "
                    + (reference.pinned() ? "manifest " + reference.digest() : "tag " + reference.pullTag()) + " of "
                    + reference.repository() + "; check image.reference (push the image first?). Engine: " + engine, error);
        }
        if (lower.contains("connection refused") || lower.contains("no such host") || lower.contains("timeout")
                || lower.contains("network is unreachable") || lower.contains("dial tcp") || lower.contains("connection reset")
                || lower.contains("eof") || lower.contains("service unavailable") || lower.contains("bad gateway")
                || lower.contains("toomanyrequests") || lower.contains("http response to https client")) {
            return new WorkloadException(Reason.REGISTRY_UNAVAILABLE, "pull of " + reference + ": " + registry
                    + " cannot be reached or failed; check that it runs and is reachable from the engine. Engine: " + engine, error);
        }
        return new WorkloadException(Reason.REGISTRY_UNAVAILABLE, "pull of " + reference + " failed: " + engine, error);
    }

    /** Any other engine call about one instance or image. */
    static WorkloadException forCall(Throwable error, String what, String engineUri) {
        if (engineUnreachable(error)) {
            return engineUnavailable(engineUri, error);
        }
        return new WorkloadException(Reason.INTERNAL, what + " failed: " + engineMessage(error), error);
    }

    /** The host port an engine message names ({@code Bind for 0.0.0.0:8080 failed}, {@code listen tcp4 0.0.0.0:8080: bind}). */
    static Optional<String> port(String engineMessage) {
        Matcher matcher = HOST_PORT.matcher(engineMessage);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    static Optional<String> device(String engineMessage) {
        Matcher matcher = DEVICE.matcher(engineMessage);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    static String rootCause(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    private static String unescape(String json) {
        StringBuilder out = new StringBuilder(json.length());
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c != '\\' || i + 1 == json.length()) {
                out.append(c);
                continue;
            }
            char next = json.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'u' -> {
                    if (i + 4 < json.length()) {
                        out.append((char) Integer.parseInt(json.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}

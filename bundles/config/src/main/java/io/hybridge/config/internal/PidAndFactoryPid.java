package io.hybridge.config.internal;

/** A configurable PID and, for a factory configuration, its factory PID (else null). */
public record PidAndFactoryPid(String pid, String factoryPid) {
}

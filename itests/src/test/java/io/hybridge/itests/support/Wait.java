package io.hybridge.itests.support;

import java.time.Duration;
import java.util.function.Supplier;

/** Waits on a condition with a deadline, instead of sleeping a guessed time. */
public final class Wait {

    private Wait() {
    }

    public static <T> T until(String what, Duration deadline, Supplier<T> probe) {
        return until(what, deadline, probe, () -> "");
    }

    /**
     * As {@link #until(String, Duration, Supplier)}; at the deadline the failure also says what
     * {@code atDeadline} reports then (a log tail, a status), so that it explains itself.
     */
    public static <T> T until(String what, Duration deadline, Supplier<T> probe, Supplier<String> atDeadline) {
        long end = System.nanoTime() + deadline.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < end) {
            try {
                T value = probe.get();
                if (value != null && !Boolean.FALSE.equals(value)) {
                    return value;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(50); // poll interval, not a wait for the condition itself
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for " + what, e);
            }
        }
        String said;
        try {
            said = atDeadline.get();
        } catch (RuntimeException e) {
            said = "(" + e + ")";
        }
        throw new AssertionError("timed out after " + deadline.toSeconds() + " s waiting for " + what
                + (last == null ? "" : " (last error: " + last + ")") + (said.isEmpty() ? "" : "; " + said), last);
    }
}

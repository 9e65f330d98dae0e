package io.hybridge.launcher;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.IntConsumer;

import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a slot on trial: promotes it as soon as {@code var/slots/confirmed} names it, and
 * halts the JVM with {@link SlotProtocol#EXIT_TRIAL_FAILED} as soon as {@code failed/<slot>}
 * appears (the deploy bundle's gate failed) or with {@link SlotProtocol#EXIT_TRIAL_EXPIRED} when
 * the deadline passes first, so that {@code bin/hybridge} starts the fallback slot. Until the
 * deploy bundle's health gate takes over ({@code hybridge.selfupdate.confirmer=external}), the
 * launcher's own {@link HealthConfirmer} writes {@code confirmed}.
 */
final class TrialWatch {

    private static final Logger LOG = LoggerFactory.getLogger(TrialWatch.class);
    private static final long POLL_MS = 500;

    private final SlotProtocol protocol;
    private final SlotProtocol.Trial trial;
    private final HealthConfirmer confirmer; // null: someone else confirms
    private final Clock clock;
    private final IntConsumer halt;
    private volatile Framework framework;
    private volatile boolean done;
    private String reported; // the last reason logged for not confirming yet

    TrialWatch(SlotProtocol protocol, SlotProtocol.Trial trial, HealthConfirmer confirmer, Clock clock,
            IntConsumer halt) {
        this.protocol = protocol;
        this.trial = trial;
        this.confirmer = confirmer;
        this.clock = clock;
        this.halt = halt;
    }

    void start() {
        Thread thread = new Thread(this::watch, "hybridge-trial");
        thread.setDaemon(true);
        thread.start();
    }

    /** The framework to judge; replaced when the framework restarts in the same process. */
    void watching(Framework framework) {
        this.framework = framework;
    }

    boolean done() {
        return done;
    }

    private void watch() {
        while (!done) {
            try {
                done = step();
                if (!done) {
                    Thread.sleep(POLL_MS);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException | LinkageError e) {
                // a file that cannot be read now is read again at the next poll; the deadline still
                // holds. Nothing short of an interrupt may end this thread: without it the trial
                // would neither be confirmed nor fall back.
                LOG.warn("self-update: checking the trial of slot {} failed: {}", trial.slot(), e.toString());
                try {
                    Thread.sleep(POLL_MS);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    /** One look at the trial; true when it is over. */
    boolean step() throws IOException {
        if (protocol.isConfirmed(trial)) {
            protocol.promote(trial);
            return true;
        }
        if (protocol.hasFailed(trial)) {
            // the slot's own gate gave up (beginTrial cleared any older record): no reason to run
            // the rest of the trial on a version known to be unhealthy
            LOG.error("self-update: slot {} failed its health gate: {}; halting so that bin/hybridge starts slot {}",
                    trial.slot(), protocol.slots().readAll("failed/" + trial.slot()).strip(), trial.fallback());
            halt.accept(SlotProtocol.EXIT_TRIAL_FAILED);
            return true;
        }
        if (!clock.instant().isBefore(trial.deadline())) {
            long seconds = Duration.between(trial.started(), trial.deadline()).toSeconds();
            String reason = "not confirmed within " + seconds + " s (hybridge.selfupdate.trial.seconds)"
                    + (confirmer == null ? ": the deploy bundle's health gate never wrote var/slots/confirmed"
                            : ": " + confirmer.lastProblem());
            protocol.recordFailure(trial.slot(), reason);
            LOG.error("self-update: slot {} {}; halting so that bin/hybridge starts slot {}", trial.slot(), reason,
                    trial.fallback());
            halt.accept(SlotProtocol.EXIT_TRIAL_EXPIRED);
            return true;
        }
        Framework current = framework;
        if (confirmer != null && current != null) {
            if (confirmer.healthy(current, clock.instant())) {
                protocol.slots().write("confirmed", trial.slot() + "\n");
                LOG.info("self-update: slot {} healthy for {} s: confirmed by the launcher", trial.slot(),
                        confirmer.stableFor().toSeconds());
            } else if (!confirmer.lastProblem().equals(reported)) {
                // each change once: an operator watching a trial sees why it is not confirmed yet
                reported = confirmer.lastProblem();
                LOG.info("self-update: slot {} not confirmed yet: {}", trial.slot(), reported);
            }
        }
        return false;
    }
}

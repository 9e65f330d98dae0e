package io.hybridge.deploy.internal.ota;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.hybridge.api.workload.WorkloadException;
import io.hybridge.api.workload.WorkloadRuntime;
import io.hybridge.api.workload.WorkloadService;
import io.hybridge.api.workload.WorkloadSpec;
import io.hybridge.api.workload.WorkloadState;
import io.hybridge.api.workload.WorkloadStatus;

/**
 * The health gate of a workload-image unit. Before the load it notes which image each image
 * reference of the runtime's workloads names; after it, the references the unit moved are the
 * unit's {@link Swap}s. Their workloads are restarted on the new image and must run — every
 * replica a new instance, RUNNING (or COMPLETED) — without a break for a settle period before
 * the deadline; a replica that fails (backoff, crash loop, failed) fails the gate at once. A
 * failed gate points each reference back at its previous image and restarts the workloads on it.
 */
final class ImageGate {

    private static final long POLL_MILLIS = 200;
    static final Duration SETTLE = Duration.ofMillis(1500);
    private static final Set<WorkloadState> FAILING = Set.of(WorkloadState.BACKOFF, WorkloadState.CRASH_LOOP,
            WorkloadState.FAILED);

    /** One image reference the unit moved: from what to what, and who runs it. */
    record Swap(String reference, String previousId, String newId, List<String> workloads) {

        Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("reference", reference);
            map.put("previousId", previousId);
            map.put("newId", newId);
            map.put("workloads", workloads);
            return map;
        }

        static Swap fromMap(Map<String, Object> map) {
            Object names = map.get("workloads");
            List<String> workloads = names instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
            return new Swap(Job.string(map, "reference"), Optional.ofNullable(Job.string(map, "previousId")).orElse(""),
                    Optional.ofNullable(Job.string(map, "newId")).orElse(""), workloads);
        }
    }

    private final Supplier<WorkloadService> workloads;
    private final Clock clock;
    private final Duration settle;

    ImageGate(Supplier<WorkloadService> workloads, Clock clock, Duration settle) {
        this.workloads = workloads;
        this.clock = clock;
        this.settle = settle;
    }

    /** Whether the workload service is there to ask (after a restart it registers a moment after the framework starts). */
    boolean ready() {
        return workloads.get() != null;
    }

    /** Reference → the image it names now ("" for nothing, as a {@link Swap} says it), for every workload of this runtime. */
    Map<String, String> before(WorkloadRuntime runtime) throws DeployException {
        Map<String, String> images = new LinkedHashMap<>();
        for (String reference : referencesInUse(runtime).keySet()) {
            images.put(reference, imageId(runtime, reference).orElse(""));
        }
        return images;
    }

    /** The references whose image the load changed, with the workloads that run them (none, when the service is gone). */
    List<Swap> swaps(WorkloadRuntime runtime, Map<String, String> before) throws DeployException {
        Map<String, List<String>> users = referencesInUse(runtime);
        List<Swap> swaps = new ArrayList<>();
        for (Map.Entry<String, String> reference : before.entrySet()) {
            Optional<String> now = imageId(runtime, reference.getKey());
            if (now.isPresent() && !now.get().equals(reference.getValue())) {
                swaps.add(new Swap(reference.getKey(), reference.getValue(), now.get(),
                        users.getOrDefault(reference.getKey(), List.of())));
            }
        }
        return swaps;
    }

    /**
     * Restarts the swapped workloads and waits until they run on new instances for the settle
     * period; returns why not when one fails or the deadline passes, empty when healthy.
     */
    Optional<String> restartAndAwait(List<Swap> swaps, Duration deadline, BooleanSupplier stopping)
            throws InterruptedException {
        WorkloadService service = workloads.get();
        if (service == null) {
            return Optional.of("the workload service is gone, so the workloads on the new image cannot be watched");
        }
        Map<String, Set<String>> oldInstances = new LinkedHashMap<>();
        for (String name : names(swaps)) {
            oldInstances.put(name, service.status(name).map(ImageGate::instances).orElse(Set.of()));
        }
        Instant restarted = clock.instant();
        oldInstances.keySet().forEach(service::restart);
        Instant end = restarted.plus(deadline);
        Map<String, Instant> healthySince = new LinkedHashMap<>();
        Map<String, Set<String>> healthyInstances = new LinkedHashMap<>();
        Map<String, String> waitingFor = new LinkedHashMap<>();
        while (true) {
            Instant now = clock.instant();
            boolean allSettled = true;
            for (Map.Entry<String, Set<String>> workload : oldInstances.entrySet()) {
                String name = workload.getKey();
                Optional<WorkloadStatus> status = service.status(name);
                if (status.isEmpty()) {
                    continue; // removed meanwhile: nothing left to judge
                }
                WorkloadStatus s = status.get();
                Set<String> instances = instances(s);
                boolean fresh = !instances.isEmpty() && instances.stream().noneMatch(workload.getValue()::contains);
                if (FAILING.contains(s.state()) && s.since() != null && !s.since().isBefore(restarted)) {
                    return Optional.of("workload " + name + " is " + s.state().id() + " on the new image: " + s.message()
                            + exit(s));
                }
                // a run-to-completion workload that ended well after the restart counts as up
                boolean up = fresh && s.state() == WorkloadState.RUNNING
                        || s.state() == WorkloadState.COMPLETED && s.since() != null && !s.since().isBefore(restarted)
                        || s.state() == WorkloadState.STOPPED;
                if (!up || !instances.equals(healthyInstances.get(name))) {
                    healthySince.remove(name);
                    healthyInstances.put(name, up ? instances : Set.of());
                }
                if (up) {
                    healthySince.putIfAbsent(name, now);
                }
                waitingFor.put(name, s.state().id() + (s.message().isEmpty() ? "" : " (" + s.message() + ")")
                        + (fresh ? "" : ", still on its old instance"));
                Instant since = healthySince.get(name);
                allSettled &= since != null && !now.isBefore(since.plus(settle));
            }
            if (allSettled) {
                return Optional.empty();
            }
            if (!now.isBefore(end)) {
                return Optional.of("workloads on the new image not running for " + settle.toMillis() + " ms within "
                        + (deadline.toMillis() % 1000 == 0 ? deadline.toSeconds() + " s" : deadline.toMillis() + " ms") + ": " + waitingFor.entrySet().stream()
                                .filter(e -> !healthySince.containsKey(e.getKey()))
                                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("; ")));
            }
            if (stopping.getAsBoolean()) {
                throw new InterruptedException("stopping");
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /**
     * Points each swapped reference back at its previous image (or removes a name that named
     * nothing before) and restarts its workloads on it; returns what could not be put back.
     */
    List<String> restore(WorkloadRuntime runtime, List<Swap> swaps) {
        List<String> problems = new ArrayList<>();
        for (Swap swap : swaps) {
            try {
                runtime.pointImage(swap.reference(),
                        swap.previousId().isEmpty() ? Optional.empty() : Optional.of(swap.previousId()));
            } catch (WorkloadException | RuntimeException e) {
                problems.add("image " + swap.reference() + " could not be pointed back at " + swap.previousId() + ": "
                        + e.getMessage());
            }
        }
        WorkloadService service = workloads.get();
        if (service != null) {
            names(swaps).forEach(service::restart);
        }
        return problems;
    }

    private Map<String, List<String>> referencesInUse(WorkloadRuntime runtime) {
        Map<String, List<String>> users = new LinkedHashMap<>();
        WorkloadService service = workloads.get();
        if (service == null) {
            return users;
        }
        for (WorkloadStatus status : service.list()) {
            if (status.runtime() != runtime.type()) {
                continue;
            }
            service.spec(status.name()).map(WorkloadSpec::image).map(WorkloadSpec.Image::reference)
                    .ifPresent(reference -> users.computeIfAbsent(reference, r -> new ArrayList<>()).add(status.name()));
        }
        return users;
    }

    private static Optional<String> imageId(WorkloadRuntime runtime, String reference) throws DeployException {
        try {
            return runtime.localImageId(reference);
        } catch (WorkloadException e) {
            throw new DeployException("the " + runtime.type() + " runtime cannot say which image " + reference
                    + " names: " + e.getMessage());
        }
    }

    private static List<String> names(List<Swap> swaps) {
        return swaps.stream().flatMap(s -> s.workloads().stream()).distinct().toList();
    }

    private static Set<String> instances(WorkloadStatus status) {
        return status.replicas().stream().map(WorkloadStatus.Replica::instanceId).filter(id -> !id.isEmpty())
                .collect(Collectors.toSet());
    }

    private static String exit(WorkloadStatus status) {
        WorkloadStatus.Exit exit = status.lastExit();
        return exit == null ? "" : " (last exit: code " + exit.code() + (exit.oomKilled() ? ", out of memory" : "")
                + (exit.reason() == null || exit.reason().isBlank() ? "" : ", " + exit.reason()) + ")";
    }
}

package io.hybridge.runtime.container.internal;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.CpuStatsConfig;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.StatsConfig;
import com.github.dockerjava.api.model.Statistics;

import io.hybridge.api.workload.ResourceUsage;

/**
 * Samples what running instances use, in the background: a one-shot stats request takes the
 * engine one to two seconds per container (it measures CPU over an interval), so callers only
 * ever read the cache. Every interval the running managed containers are listed and each gets
 * a sample on a pool of two threads; a container whose previous sample is still in flight is
 * skipped, and samples of containers that stopped are dropped.
 */
final class UsageSampler implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(UsageSampler.class);
    private static final Duration SAMPLE_TIMEOUT = Duration.ofSeconds(30);

    private final DockerClient client;
    private final Predicate<Map<String, String>> ours;
    private final LongSupplier hostMemory;
    private final Map<String, ResourceUsage> samples = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor pool;

    /** @param hostMemory the engine machine's memory in bytes (0 unknown): an instance without limit reports it as its limit */
    UsageSampler(DockerClient client, Predicate<Map<String, String>> ours, LongSupplier hostMemory, ThreadPoolExecutor pool) {
        this.client = client;
        this.ours = ours;
        this.hostMemory = hostMemory;
        this.pool = pool;
    }

    static ThreadPoolExecutor pool() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64), task -> {
            Thread thread = new Thread(task, "hybridge-container-stats");
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.DiscardPolicy());
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    void schedule(ScheduledExecutorService scheduler, Duration interval) {
        if (!interval.isZero()) {
            scheduler.scheduleWithFixedDelay(this::tick, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    Optional<ResourceUsage> latest(String containerId) {
        return Optional.ofNullable(samples.get(containerId));
    }

    void forget(String containerId) {
        samples.remove(containerId);
    }

    private void tick() {
        List<Container> running;
        try {
            running = client.listContainersCmd()
                    .withLabelFilter(Map.of(InstanceLabels.MANAGED, "true"))
                    .withStatusFilter(List.of("running"))
                    .exec();
        } catch (RuntimeException e) {
            LOG.debug("Usage sampling skipped: {}", e.toString());
            return;
        }
        Set<String> ids = running.stream().filter(container -> ours.test(container.getLabels()))
                .map(Container::getId).collect(Collectors.toSet());
        samples.keySet().retainAll(ids);
        for (String id : ids) {
            if (inFlight.add(id)) {
                try {
                    pool.execute(() -> sample(id));
                } catch (RejectedExecutionException e) {
                    inFlight.remove(id);
                }
            }
        }
    }

    private void sample(String id) {
        StreamCallback<Statistics> callback = new StreamCallback<>(statistics -> usage(statistics, hostMemory.getAsLong()).ifPresent(usage -> samples.put(id, usage)));
        try {
            client.statsCmd(id).withNoStream(true).exec(callback);
            callback.await(SAMPLE_TIMEOUT);
        } catch (TimeoutException | RuntimeException e) {
            LOG.debug("No usage sample of {}: {}", id, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            inFlight.remove(id);
        }
    }

    /**
     * One stats answer as a {@link ResourceUsage}, computed as {@code docker stats} does: CPU is
     * the container's share of the host's CPU time between the two readings times the CPUs
     * online (100 = one CPU); memory is usage without the reclaimable page cache (inactive
     * files). Empty when the engine sent no readings (the container stopped meanwhile). A limit
     * of the whole machine ({@code hostMemory}, 0 unknown) is no limit: the engine reports the
     * machine's memory for an instance without one.
     */
    static Optional<ResourceUsage> usage(Statistics statistics, long hostMemory) {
        MemoryStatsConfig memory = statistics.getMemoryStats();
        CpuStatsConfig cpu = statistics.getCpuStats();
        if (memory == null || memory.getUsage() == null || cpu == null || cpu.getCpuUsage() == null) {
            return Optional.empty();
        }
        double cpuPercent = 0;
        CpuStatsConfig previous = statistics.getPreCpuStats();
        if (previous != null && previous.getCpuUsage() != null && previous.getCpuUsage().getTotalUsage() != null
                && cpu.getSystemCpuUsage() != null && previous.getSystemCpuUsage() != null) {
            long cpuDelta = cpu.getCpuUsage().getTotalUsage() - previous.getCpuUsage().getTotalUsage();
            long systemDelta = cpu.getSystemCpuUsage() - previous.getSystemCpuUsage();
            long online = cpu.getOnlineCpus() != null && cpu.getOnlineCpus() > 0 ? cpu.getOnlineCpus()
                    : cpu.getCpuUsage().getPercpuUsage() != null ? cpu.getCpuUsage().getPercpuUsage().size() : 1;
            if (cpuDelta > 0 && systemDelta > 0) {
                cpuPercent = (double) cpuDelta / systemDelta * online * 100.0;
            }
        }
        long used = memory.getUsage();
        StatsConfig details = memory.getStats();
        if (details != null) {
            Long inactive = details.getTotalInactiveFile() != null ? details.getTotalInactiveFile() : details.getInactiveFile();
            if (inactive != null && inactive < used) {
                used -= inactive;
            }
        }
        long limit = memory.getLimit() == null ? 0 : memory.getLimit();
        if (hostMemory > 0 && limit >= hostMemory) {
            limit = 0;
        }
        int pids = statistics.getPidsStats() != null && statistics.getPidsStats().getCurrent() != null
                ? statistics.getPidsStats().getCurrent().intValue() : -1;
        return Optional.of(new ResourceUsage(cpuPercent, used, limit, pids));
    }

    @Override
    public void close() {
        pool.shutdownNow();
        samples.clear();
    }
}

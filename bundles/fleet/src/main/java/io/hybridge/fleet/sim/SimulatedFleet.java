package io.hybridge.fleet.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N simulated gateways in one JVM against a real broker. Each agent has its own MQTT connection
 * (a client id is one session, so connections cannot be shared); Paho's three comms loops per
 * connection run on one pool of small-stack (256 KiB) threads with pings scheduled on it, and
 * all jobs (downloads, installs) on one shared worker pool — about 3 threads per agent, nothing
 * else. 1,000 agents take about 3,000 mostly parked threads.
 */
public final class SimulatedFleet implements AutoCloseable {
    private final List<SimulatedGateway> agents = new ArrayList<>();
    private final ScheduledThreadPoolExecutor comms;
    private final ScheduledExecutorService workers;

    /**
     * @param packages the {@code deploy.packages} every agent starts with
     * @param workers  threads for jobs: how many downloads run at once
     */
    public SimulatedFleet(String brokerUri, String account, String prefix, int count, Map<String, String> packages,
            SimBehaviour behaviour, int workers) throws Exception {
        this.comms = new ScheduledThreadPoolExecutor(3 * count + 8, smallStacks("sim-mqtt"));
        this.workers = Executors.newScheduledThreadPool(workers, smallStacks("sim-job"));
        for (int i = 0; i < count; i++) {
            agents.add(new SimulatedGateway(i, brokerUri, account, String.format("%s-%04d", prefix, i), packages, behaviour,
                    comms, this.workers));
        }
    }

    /** Connects every agent (16 at a time) and publishes their BIRTHs. */
    public void connect(String username, String password) throws Exception {
        ExecutorService connecting = Executors.newFixedThreadPool(16);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (SimulatedGateway g : agents) {
                Callable<Void> c = () -> {
                    g.connect(username, password);
                    return null;
                };
                done.add(connecting.submit(c));
            }
            for (Future<Void> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            connecting.shutdownNow();
        }
    }

    public int size() {
        return agents.size();
    }

    public List<String> clientIds() {
        return agents.stream().map(SimulatedGateway::clientId).toList();
    }

    /** The deployment units agent {@code index} has installed. */
    public Map<String, String> packages(int index) {
        return agents.get(index).packages();
    }

    /** Disconnects one agent cleanly (DC), e.g. to see a rollout mark it offline. */
    public void disconnect(int index) {
        agents.get(index).disconnect();
    }

    private static ThreadFactory smallStacks(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, name + "-" + n.incrementAndGet(), 256 * 1024);
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        ExecutorService closing = Executors.newFixedThreadPool(16);
        agents.forEach(a -> closing.execute(a::disconnect));
        closing.shutdown();
        try {
            closing.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
        comms.shutdownNow();
    }
}

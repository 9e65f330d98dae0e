package io.hybridge.fleet.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.hybridge.fleet.FleetManager;
import io.hybridge.fleet.inventory.Gateway;
import io.hybridge.fleet.inventory.GatewayQuery;
import io.hybridge.fleet.rollout.EngineSettings;
import io.hybridge.fleet.rollout.ErrorAction;
import io.hybridge.fleet.rollout.Rollout;
import io.hybridge.fleet.rollout.RolloutRequest;
import io.hybridge.fleet.rollout.RolloutService;
import io.hybridge.fleet.rollout.RolloutStatus;
import io.hybridge.fleet.rollout.Unit;
import io.hybridge.fleet.sign.UnitKeys;
import io.hybridge.fleet.sign.UnitSignature;
import io.hybridge.fleet.sim.SimBehaviour;
import io.hybridge.fleet.sim.SimulatedFleet;
import io.hybridge.fleet.store.FleetStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hybridge-fleet}: the fleet rollout manager's command line. Commands that change
 * rollouts only write the store; {@code serve} (the manager, a long-running process holding the
 * broker connection) acts on them at its next tick.
 */
@Command(name = "hybridge-fleet", mixinStandardHelpOptions = true, version = "hybridge-fleet 0.1.0",
        description = "Rolls deployment units out to Hybridge gateways over MQTT (Kura DEPLOY-V2) in waves.",
        subcommands = {FleetCli.InventoryCmd.class, FleetCli.GroupsCmd.class, FleetCli.KeygenCmd.class, FleetCli.SignCmd.class,
                FleetCli.UnitsCmd.class, FleetCli.RolloutCmd.class, FleetCli.ServeCmd.class, FleetCli.SimulateCmd.class,
                CommandLine.HelpCommand.class})
public final class FleetCli {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cl = new CommandLine(new FleetCli());
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            line.getErr().println("hybridge-fleet: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return e instanceof IllegalArgumentException || e instanceof IllegalStateException ? 2 : 1;
        });
        return cl.execute(args);
    }

    static PrintWriter out() {
        return new PrintWriter(System.out, true);
    }

    @Command(name = "inventory", mixinStandardHelpOptions = true, description = "Lists the gateways known from their BIRTH messages.")
    static final class InventoryCmd implements Callable<Integer> {
        @Mixin FleetOptions o;
        @Option(names = "--query", description = "only gateways matching, e.g. 'model_id=rpi4 and deploy.packages~io.acme.sensor@1.'")
        String query;
        @Option(names = "--listen", description = "first listen on the broker for this many seconds for BIRTH/DC/LWT")
        int listen;

        @Override
        public Integer call() throws Exception {
            try (FleetStore store = o.store()) {
                if (listen > 0) {
                    try (FleetManager m = new FleetManager(store, o.mqtt(), null, null, EngineSettings.defaults())) {
                        m.start();
                        new CountDownLatch(1).await(listen, java.util.concurrent.TimeUnit.SECONDS);
                    }
                }
                GatewayQuery q = query == null ? GatewayQuery.parse("*") : GatewayQuery.parse(query);
                PrintWriter out = out();
                out.printf("%-32s %-7s %-12s %-20s %s%n", "GATEWAY", "ONLINE", "MODEL", "FIRMWARE", "PACKAGES");
                int n = 0;
                for (Gateway g : store.gateways()) {
                    if (q.matches(g)) {
                        n++;
                        out.printf("%-32s %-7s %-12s %-20s %s%n", g.id(), g.online() ? "yes" : "no", nz(g.metric("model_id")),
                                nz(g.metric("firmware_version")), nz(g.metric("deploy.packages")));
                    }
                }
                out.println(n + " gateway(s)");
                return 0;
            }
        }
    }

    @Command(name = "groups", mixinStandardHelpOptions = true, description = "Lists, adds, shows and removes groups of gateways.")
    static final class GroupsCmd implements Callable<Integer> {
        @Mixin FleetOptions o;
        @Parameters(index = "0", description = "list | add | show | remove", defaultValue = "list")
        String action;
        @Parameters(index = "1", arity = "0..1", description = "group name")
        String name;
        @Option(names = "--query", description = "members by a query on BIRTH metrics")
        String query;
        @Option(names = "--members", split = ",", description = "explicit members: [account/]client-id,...")
        List<String> members;

        @Override
        public Integer call() throws Exception {
            try (FleetStore store = o.store()) {
                PrintWriter out = out();
                switch (action) {
                    case "list" -> store.groups().forEach(g -> out.println(g.name() + "\t"
                            + (g.query() != null ? "query: " + g.query() : "members: " + String.join(",", g.members()))));
                    case "add" -> {
                        need(name, "group name");
                        if ((query == null) == (members == null)) {
                            throw new IllegalArgumentException("give the group either --query or --members");
                        }
                        if (query != null) {
                            GatewayQuery.parse(query);
                        }
                        store.saveGroup(new FleetStore.Group(name, members, query));
                        out.println("group " + name + " saved");
                    }
                    case "show" -> {
                        need(name, "group name");
                        new RolloutService(store, o.account).resolve(name).forEach(out::println);
                    }
                    case "remove" -> {
                        need(name, "group name");
                        if (!store.deleteGroup(name)) {
                            throw new IllegalArgumentException("group '" + name + "' does not exist");
                        }
                    }
                    default -> throw new IllegalArgumentException("groups action '" + action + "' is not one of list, add, show, remove");
                }
                return 0;
            }
        }
    }

    @Command(name = "keygen", mixinStandardHelpOptions = true, description = "Makes the fleet's Ed25519 signing key: <out>.key (PKCS#8) and <out>.pub.")
    static final class KeygenCmd implements Callable<Integer> {
        @Option(names = "--out", description = "file name without extension; default ${DEFAULT-VALUE}", defaultValue = "fleet-signing")
        Path out;

        @Override
        public Integer call() throws Exception {
            Path key = out.resolveSibling(out.getFileName() + ".key");
            Path pub = out.resolveSibling(out.getFileName() + ".pub");
            UnitKeys keys = UnitKeys.generate();
            keys.write(key, pub);
            out().println("private key " + key + " (keep it secret), public key " + pub + " (give it to gateways), key id " + keys.keyId());
            return 0;
        }
    }

    @Command(name = "sign", mixinStandardHelpOptions = true, description = "Prints the DEPLOY-V2 hash, signature and key id of a unit file.")
    static final class SignCmd implements Callable<Integer> {
        @Parameters(index = "0", description = "unit file")
        Path file;
        @Option(names = "--key", required = true, description = "private key file from keygen")
        Path key;

        @Override
        public Integer call() throws Exception {
            UnitSignature s = UnitSignature.sign(file, UnitKeys.readPrivate(key));
            PrintWriter out = out();
            out.println("dp.download.hash=" + s.hashMetric());
            out.println("dp.signature=" + s.signature());
            out.println("dp.signature.key=" + s.keyId());
            out.println("size=" + s.size());
            return 0;
        }
    }

    @Command(name = "units", mixinStandardHelpOptions = true, description = "Lists or adds deployment units (digest and signature computed here).")
    static final class UnitsCmd implements Callable<Integer> {
        @Mixin FleetOptions o;
        @Parameters(index = "0", description = "list | add", defaultValue = "list")
        String action;
        @Parameters(index = "1", arity = "0..1", description = "unit file or http(s) URL")
        String source;
        @Option(names = "--name", description = "unit name as gateways report it (dp.name)")
        String name;
        @Option(names = "--version", description = "unit version (dp.version)")
        String version;
        @Option(names = "--key", description = "sign with this private key")
        Path key;
        @Option(names = "--type", description = "bundle | feature | workload-image (dp.unit.type; default: the gateway detects)")
        String type;

        @Override
        public Integer call() throws Exception {
            try (FleetStore store = o.store()) {
                if ("list".equals(action)) {
                    for (Unit u : store.units()) {
                        out().printf("%d\t%s\t%s\t%d bytes\t%s\t%s%n", u.id(), u.label(), u.sha256Hex(), u.size(),
                                u.signature() == null ? "unsigned" : "key " + u.keyId(), u.uri() != null ? u.uri() : u.filePath());
                    }
                    return 0;
                }
                if (!"add".equals(action)) {
                    throw new IllegalArgumentException("units action '" + action + "' is not one of list, add");
                }
                Unit u = addUnit(new RolloutService(store, o.account), source, name, version, key, type);
                out().println("unit " + u.id() + " " + u.label() + " SHA-256 " + u.sha256Hex());
                return 0;
            }
        }
    }

    static Unit addUnit(RolloutService service, String source, String name, String version, Path key, String type) throws Exception {
        need(source, "unit file or URL");
        need(name, "--name");
        need(version, "--version");
        UnitKeys keys = key == null ? null : UnitKeys.readPrivate(key);
        return source.startsWith("http://") || source.startsWith("https://") ? service.addUri(source, name, version, keys, type)
                : service.addFile(Path.of(source), name, version, keys, type);
    }

    @Command(name = "rollout", mixinStandardHelpOptions = true, description = "Creates and controls rollouts.",
            subcommands = {RolloutCmd.Create.class, RolloutCmd.Start.class, RolloutCmd.Pause.class, RolloutCmd.Resume.class,
                    RolloutCmd.Abort.class, RolloutCmd.Rollback.class, RolloutCmd.Status.class, RolloutCmd.ListCmd.class})
    static final class RolloutCmd {

        @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a rollout of a unit to a group, in waves.")
        static final class Create implements Callable<Integer> {
            @Mixin FleetOptions o;
            @Option(names = "--unit", required = true, description = "unit file, http(s) URL, or name@version of a known unit")
            String unit;
            @Option(names = "--unit-name", description = "dp.name for a new file/URL unit")
            String unitName;
            @Option(names = "--unit-version", description = "dp.version for a new file/URL unit")
            String unitVersion;
            @Option(names = "--key", description = "sign a new unit with this private key")
            Path key;
            @Option(names = "--type", description = "dp.unit.type of a new unit")
            String type;
            @Option(names = "--name", description = "rollout name; default: the unit")
            String name;
            @Option(names = "--group", description = "stored group name, query:<query> or list:<gateway>,...")
            String group;
            @Option(names = "--query", description = "target gateways by a query (instead of --group)")
            String query;
            @Option(names = "--waves", defaultValue = "1,10%,50%,100%", description = "cumulative wave sizes, counts or percentages; default ${DEFAULT-VALUE}")
            String waves;
            @Option(names = "--success", defaultValue = "90", description = "percent of a wave that must succeed to advance; default ${DEFAULT-VALUE}")
            int success;
            @Option(names = "--errors", defaultValue = "10", description = "percent of a wave failing above which --on-error acts; default ${DEFAULT-VALUE}")
            int errors;
            @Option(names = "--on-error", defaultValue = "pause", description = "pause | abort | rollback; default ${DEFAULT-VALUE}")
            String onError;
            @Option(names = "--concurrency", defaultValue = "100", description = "gateways in flight at once; default ${DEFAULT-VALUE}")
            int concurrency;
            @Option(names = "--timeout", defaultValue = "600", description = "seconds per gateway; default ${DEFAULT-VALUE}")
            long timeout;
            @Option(names = "--health-timeout", defaultValue = "0", description = "seconds for the gateway's health gate (dp.health.timeout); 0: the gateway's default")
            long healthTimeout;
            @Option(names = "--reinstall", description = "also send to gateways that already have this version")
            boolean reinstall;
            @Option(names = "--start", description = "start at once")
            boolean start;

            @Override
            public Integer call() throws Exception {
                try (FleetStore store = o.store()) {
                    RolloutService service = new RolloutService(store, o.account);
                    Unit u;
                    int at = unit.lastIndexOf('@');
                    if (at > 0 && !unit.contains("/") && store.unit(unit.substring(0, at), unit.substring(at + 1)).isPresent()) {
                        u = store.unit(unit.substring(0, at), unit.substring(at + 1)).get();
                    } else {
                        u = addUnit(service, unit, unitName, unitVersion, key, type);
                    }
                    String target = query != null ? "query:" + query : group;
                    need(target, "--group or --query");
                    if (query != null) {
                        GatewayQuery.parse(query);
                    }
                    RolloutRequest r = new RolloutRequest(name != null ? name : u.label(), u.id(), target, waves, success, errors,
                            ErrorAction.parse(onError), concurrency, Duration.ofSeconds(timeout), Duration.ofSeconds(healthTimeout), 0,
                            reinstall);
                    long id = service.create(r);
                    if (start) {
                        service.start(id);
                    }
                    out().print(service.status(id).render(false));
                    return 0;
                }
            }
        }

        /** start, pause, resume, abort, rollback: a state change in the store, acted on by the engine. */
        abstract static class Control implements Callable<Integer> {
            @Mixin FleetOptions o;
            @Parameters(index = "0", description = "rollout id") long id;

            abstract void apply(RolloutService s) throws Exception;

            @Override
            public Integer call() throws Exception {
                try (FleetStore store = o.store()) {
                    RolloutService s = new RolloutService(store, o.account);
                    apply(s);
                    out().println("rollout " + id + ": " + s.get(id).state() + " (a running 'hybridge-fleet serve' acts on it)");
                    return 0;
                }
            }
        }

        @Command(name = "start", mixinStandardHelpOptions = true, description = "Starts a created rollout.")
        static final class Start extends Control {
            void apply(RolloutService s) throws Exception { s.start(id); }
        }

        @Command(name = "pause", mixinStandardHelpOptions = true, description = "Pauses: running jobs finish, no new ones start.")
        static final class Pause extends Control {
            void apply(RolloutService s) throws Exception { s.pause(id); }
        }

        @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resumes; the current wave's thresholds are waived.")
        static final class Resume extends Control {
            void apply(RolloutService s) throws Exception { s.resume(id); }
        }

        @Command(name = "abort", mixinStandardHelpOptions = true, description = "Stops for good; updated gateways keep the unit.")
        static final class Abort extends Control {
            void apply(RolloutService s) throws Exception { s.abort(id); }
        }

        @Command(name = "rollback", mixinStandardHelpOptions = true, description = "Stops and returns updated gateways to their previous versions.")
        static final class Rollback extends Control {
            void apply(RolloutService s) throws Exception { s.rollback(id); }
        }

        @Command(name = "status", mixinStandardHelpOptions = true, description = "Shows a rollout per wave, and per gateway with --gateways.")
        static final class Status implements Callable<Integer> {
            @Mixin FleetOptions o;
            @Parameters(index = "0", description = "rollout id") long id;
            @Option(names = "--gateways", description = "one line per gateway") boolean gateways;
            @Option(names = "--watch", description = "refresh every this many seconds until the rollout ends") int watch;

            @Override
            public Integer call() throws Exception {
                try (FleetStore store = o.store()) {
                    RolloutService s = new RolloutService(store, o.account);
                    while (true) {
                        RolloutStatus st = s.status(id);
                        out().print(st.render(gateways));
                        if (watch <= 0 || !st.rollout().state().active() && st.rollout().state() != io.hybridge.fleet.rollout.RolloutState.CREATED) {
                            return 0;
                        }
                        new CountDownLatch(1).await(watch, java.util.concurrent.TimeUnit.SECONDS);
                        out().println();
                    }
                }
            }
        }

        @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists rollouts.")
        static final class ListCmd implements Callable<Integer> {
            @Mixin FleetOptions o;

            @Override
            public Integer call() throws Exception {
                try (FleetStore store = o.store()) {
                    for (Rollout r : store.rollouts()) {
                        out().printf("%d\t%s\t%s\t%s\t%s%n", r.id(), r.state(), r.kind(), r.name(), r.reason() == null ? "" : r.reason());
                    }
                    return 0;
                }
            }
        }
    }

    @Command(name = "serve", mixinStandardHelpOptions = true, description = "Runs the manager: inventory, unit file server, rollout engine.")
    static final class ServeCmd implements Callable<Integer> {
        @Mixin FleetOptions o;
        @Option(names = "--http", defaultValue = "0.0.0.0:8090", description = "address:port to serve unit files on; default ${DEFAULT-VALUE}")
        String http;
        @Option(names = "--public-host", description = "host name gateways reach the file server by; default: this host's name")
        String publicHost;

        @Override
        public Integer call() throws Exception {
            int colon = http.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("--http '" + http + "' must be address:port");
            }
            InetSocketAddress bind = new InetSocketAddress(http.substring(0, colon), Integer.parseInt(http.substring(colon + 1)));
            String host = publicHost != null ? publicHost : bind.getAddress().isAnyLocalAddress()
                    ? java.net.InetAddress.getLocalHost().getHostName() : null;
            FleetStore store = o.store();
            FleetManager m = new FleetManager(store, o.mqtt(), bind, host, EngineSettings.defaults()).start();
            out().println("hybridge-fleet serving: broker " + o.mqtt().uri() + " as " + o.clientId + ", files on port "
                    + m.files().port() + ", database " + store.url());
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                m.close();
                try {
                    store.close();
                } catch (Exception e) {
                    // exiting
                }
                stop.countDown();
            }));
            stop.await();
            return 0;
        }
    }

    @Command(name = "simulate", mixinStandardHelpOptions = true, description = "Runs N simulated gateways speaking DEPLOY-V2 until stopped.")
    static final class SimulateCmd implements Callable<Integer> {
        @Mixin FleetOptions o;
        @Option(names = "--count", defaultValue = "100", description = "agents; default ${DEFAULT-VALUE}") int count;
        @Option(names = "--prefix", defaultValue = "sim", description = "client ids <prefix>-0000...; default ${DEFAULT-VALUE}") String prefix;
        @Option(names = "--packages", description = "initial deploy.packages: name@version,...") String packages;
        @Option(names = "--fail-fraction", defaultValue = "0") double failFraction;
        @Option(names = "--fail-mode", defaultValue = "FAILED", description = "FAILED | ROLLED_BACK") String failMode;
        @Option(names = "--fail-version", description = "only this version fails") String failVersion;
        @Option(names = "--download-fraction", defaultValue = "1", description = "agents that really download") double download;
        @Option(names = "--verify-fraction", defaultValue = "1", description = "downloading agents that check the hash") double verify;
        @Option(names = "--install-ms", defaultValue = "100", description = "install time, health gate included") long installMs;
        @Option(names = "--trust", description = "public key the agents check dp.signature with") Path trust;
        @Option(names = "--workers", defaultValue = "16", description = "threads for downloads and installs") int workers;

        @Override
        public Integer call() throws Exception {
            Map<String, String> initial = new TreeMap<>(Gateway.parsePackages(packages));
            if (!"FAILED".equals(failMode) && !"ROLLED_BACK".equals(failMode)) {
                throw new IllegalArgumentException("--fail-mode '" + failMode + "' is not FAILED or ROLLED_BACK");
            }
            SimBehaviour b = SimBehaviour.healthy().failing(failFraction, failMode, failVersion).downloading(download, verify)
                    .installTaking(Duration.ofMillis(installMs)).trusting(trust == null ? null : UnitKeys.readPublic(trust));
            String uri = o.mqtt().uri();
            try (SimulatedFleet fleet = new SimulatedFleet(uri, o.account, prefix, count, initial, b, workers)) {
                long t0 = System.nanoTime();
                fleet.connect(o.username, o.username == null ? null : o.mqtt().password());
                out().printf("%d simulated gateways connected to %s in %.1f s; Ctrl-C stops them%n", count, uri,
                        (System.nanoTime() - t0) / 1e9);
                CountDownLatch stop = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
                stop.await();
            }
            return 0;
        }
    }

    static void need(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing " + what);
        }
    }

    private static String nz(String s) {
        return s == null ? "-" : s;
    }

}

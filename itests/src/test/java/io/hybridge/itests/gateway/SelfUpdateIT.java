package io.hybridge.itests.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.hybridge.itests.support.GatewayProcess;
import io.hybridge.itests.support.Ports;
import io.hybridge.itests.support.Wait;

/**
 * Self-update of the real distribution: a second "version" is made from the built one (another
 * {@code hybridge.version}, and for the failure cases another confirmer or a damaged slot),
 * packed as {@code hybridge-<version>.tar.gz} with {@code tar}, staged with
 * {@code bin/hybridge stage}, switched to, and watched through {@code var/slots}, the log and
 * {@code /health}.
 */
class SelfUpdateIT {

    private static final Duration SWITCH_DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    /**
     * bin/hybridge restarts in place on SIGHUP; a shell cannot trap a signal that was ignored
     * when it started, and the tests' gateways inherit this JVM's dispositions — under
     * {@code nohup} every SIGHUP below would be lost and each test would time out instead.
     */
    @BeforeAll
    static void sighupReachesTheGateways() throws IOException {
        String ignored = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("SigIgn:"))
                .map(l -> l.substring("SigIgn:".length()).strip()).findFirst().orElse("0");
        assertThat(Long.parseUnsignedLong(ignored, 16) & 1L)
                .as("SIGHUP is ignored by the test JVM (started under nohup?): bin/hybridge could not trap it;"
                        + " run the tests without nohup (setsid detaches without ignoring it)").isZero();
    }

    @Test
    void aStagedSlotIsTriedConfirmedAndBecomesCurrentAndTheWayBackKeepsTheCache() throws Exception {
        try (GatewayProcess gateway = install("confirm").env("HYBRIDGE_JAVA_OPTS",
                "-Dhybridge.selfupdate.confirm.seconds=2").startAndAwaitReady()) {
            int bundlesBefore = featureBundleCount(gateway);
            Path archive = newVersion("0.1.0-it2", "");
            assertThat(command(gateway, "stage", archive.toString(), "b").output).contains("staged slot b (0.1.0-it2)");
            assertThat(command(gateway, "switch", "b").exitCode).isZero();

            // what the deploy bundle does after writing next: stop the framework; the launcher
            // exits with status 10 and bin/hybridge starts slot b on trial
            String password = Files.readString(gateway.home().resolve("var/admin.password")).trim();
            long switched = System.nanoTime();
            gateway.console(password).bundleAction(0, "stop");

            Wait.until("slot b ready", SWITCH_DEADLINE, () -> gateway.log().contains("Hybridge 0.1.0-it2 framework started")
                    && gateway.healthStatusCode() == 200);
            long readyMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - switched);
            // the launcher writes current, then the history, then deletes trial: that deletion is the commit
            awaitSlots(gateway, "slot b confirmed and current", () -> "b".equals(slotFile(gateway, "current"))
                    && !Files.exists(slots(gateway).resolve("trial")));
            System.out.println("SelfUpdateIT: framework stop with next pending to slot b ready: " + readyMs
                    + " ms; to confirmed (2 s gate): " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - switched) + " ms");
            assertThat(gateway.alive()).as("one gateway process throughout").isTrue();
            gateway.awaitReady();
            assertThat(gateway.log()).contains("Hybridge 0.1.0-it2 framework started").contains("slot b");
            assertThat(slotFile(gateway, "previous")).isEqualTo("factory");
            assertThat(Files.exists(slots(gateway).resolve("trial"))).isFalse();
            assertThat(Files.readString(slots(gateway).resolve("history.json")))
                    .contains("\"slot\" : \"b\"").contains("\"version\" : \"0.1.0-it2\"").contains("\"outcome\" : \"confirmed\"");
            assertThat(featureBundleCount(gateway)).isEqualTo(bundlesBefore);

            // and back to the factory installation (SIGHUP restarts in place): the shared
            // framework cache serves both slots
            assertThat(command(gateway, "switch", "factory").exitCode).isZero();
            signal(gateway.supervisorPid(), "HUP");
            awaitSlots(gateway, "factory confirmed and current again", () -> "factory".equals(slotFile(gateway, "current")));
            gateway.awaitReady();
            assertThat(slotFile(gateway, "previous")).isEqualTo("b");
            assertThat(gateway.health().path("status").asText()).isIn("UP", "DEGRADED");
            assertThat(featureBundleCount(gateway)).isEqualTo(bundlesBefore);
            assertThat(gateway.console(password).get("/system/console/bundles").statusCode())
                    .as("the admin password (var/) is the installation's, not a slot's").isEqualTo(200);
        }
    }

    @Test
    void aSlotThatCannotStartFallsBackToThePreviousWithTheReason() throws Exception {
        try (GatewayProcess gateway = install("broken").startAndAwaitReady()) {
            command(gateway, "stage", newVersion("0.1.0-broken", "").toString(), "b");
            // the disk lost a jar after staging: the slot's launcher cannot install its features
            Path api;
            try (Stream<Path> jars = Files.walk(slots(gateway).resolve("b/bundles"))) {
                api = jars.filter(p -> p.getFileName().toString().startsWith("hybridge-health-")).findFirst().orElseThrow();
            }
            Files.delete(api);
            command(gateway, "switch", "b");
            signal(gateway.supervisorPid(), "HUP");

            Wait.until("failed/b recorded", SWITCH_DEADLINE, () -> Files.exists(slots(gateway).resolve("failed/b")));
            assertThat(Files.readString(slots(gateway).resolve("failed/b"))).contains("could not start")
                    .contains("hybridge-health").contains("is missing");
            gateway.awaitReady();
            assertThat(slotFile(gateway, "current")).isEqualTo("factory");
            Wait.until("trial closed", Duration.ofSeconds(10), () -> !Files.exists(slots(gateway).resolve("trial")));
            assertThat(Files.readString(slots(gateway).resolve("history.json"))).contains("\"outcome\" : \"failed\"");
            assertThat(gateway.log()).contains("slot b failed its trial");
        }
    }

    @Test
    void aSlotNobodyConfirmsFallsBackAtTheDeadline() throws Exception {
        try (GatewayProcess gateway = install("deadline")
                .env("HYBRIDGE_JAVA_OPTS", "-Dhybridge.selfupdate.trial.seconds=20").startAndAwaitReady()) {
            // the new version leaves confirmation to a deploy bundle that never confirms
            command(gateway, "stage", newVersion("0.1.0-unconfirmed", "hybridge.selfupdate.confirmer=external").toString(), "b");
            command(gateway, "switch", "b");
            long switched = System.nanoTime();
            signal(gateway.supervisorPid(), "HUP");

            Wait.until("failed/b recorded", SWITCH_DEADLINE, () -> Files.exists(slots(gateway).resolve("failed/b")));
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - switched);
            assertThat(seconds).as("fallback after the 20 s deadline").isGreaterThanOrEqualTo(20);
            assertThat(Files.readString(slots(gateway).resolve("failed/b"))).contains("not confirmed within 20 s");
            gateway.awaitReady();
            Wait.until("factory running again", SWITCH_DEADLINE, () -> gateway.log().lines()
                    .filter(l -> l.contains("framework started")).reduce((a, b) -> b).orElse("").contains("slot factory"));
            assertThat(slotFile(gateway, "current")).isEqualTo("factory");
        }
    }

    @Test
    void killNineDuringTheTrialEndsOnThePreviousSlotAfterTheRestart() throws Exception {
        GatewayProcess gateway = install("kill").startAndAwaitReady();
        try {
            command(gateway, "stage", newVersion("0.1.0-killed", "hybridge.selfupdate.confirmer=external").toString(), "b");
            command(gateway, "switch", "b");
            signal(gateway.supervisorPid(), "HUP");
            Wait.until("slot b on trial and ready", SWITCH_DEADLINE,
                    () -> Files.exists(slots(gateway).resolve("trial")) && gateway.log().contains("Hybridge 0.1.0-killed framework started")
                            && gateway.healthStatusCode() == 200);

            // kill -9 of bin/hybridge: its JVM must not live on unsupervised
            List<ProcessHandle> jvms = ProcessHandle.of(gateway.supervisorPid()).orElseThrow().descendants().toList();
            assertThat(jvms).isNotEmpty();
            signal(gateway.supervisorPid(), "KILL");
            Wait.until("the gateway's JVM gone after its supervisor was killed", Duration.ofSeconds(5),
                    () -> jvms.stream().allMatch(SelfUpdateIT::gone),
                    () -> "still there: " + jvms.stream().filter(p -> !gone(p)).map(SelfUpdateIT::describe).toList());
            assertThat(Files.exists(slots(gateway).resolve("trial"))).as("the trial is still open").isTrue();

            gateway.startAndAwaitReady();
            assertThat(slotFile(gateway, "current")).isEqualTo("factory");
            assertThat(Files.exists(slots(gateway).resolve("trial"))).isFalse();
            assertThat(Files.readString(slots(gateway).resolve("failed/b"))).contains("interrupted");
            assertThat(gateway.log().lines().filter(l -> l.contains("framework started")).reduce((a, b) -> b).orElse(""))
                    .contains("slot factory");
        } finally {
            gateway.close();
        }
    }

    @Test
    void sigtermStopsTheSupervisedGatewayPromptlyAlsoDuringATrial() throws Exception {
        GatewayProcess gateway = install("term").startAndAwaitReady();
        long start = System.nanoTime();
        int exit = gateway.stop();
        long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("SelfUpdateIT: SIGTERM to stopped: " + stopMs + " ms");
        assertThat(exit).isIn(0, 143);
        assertThat(stopMs).as("SIGTERM to stopped (ms)").isLessThan(15_000);
        assertThat(Ports.listening(gateway.httpPort())).isFalse();
        assertThat(gateway.log()).contains("Hybridge stopped");

        gateway.env("HYBRIDGE_JAVA_OPTS", "-Dhybridge.selfupdate.trial.seconds=300").startAndAwaitReady();
        command(gateway, "stage", newVersion("0.1.0-term", "hybridge.selfupdate.confirmer=external").toString(), "b");
        command(gateway, "switch", "b");
        signal(gateway.supervisorPid(), "HUP");
        Wait.until("slot b on trial and ready", SWITCH_DEADLINE,
                () -> Files.exists(slots(gateway).resolve("trial")) && gateway.log().contains("Hybridge 0.1.0-term framework started")
                        && gateway.healthStatusCode() == 200);
        List<ProcessHandle> jvms = ProcessHandle.of(gateway.supervisorPid()).orElseThrow().descendants().toList();
        start = System.nanoTime();
        exit = gateway.stop();
        stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        System.out.println("SelfUpdateIT: SIGTERM to stopped during a trial: " + stopMs + " ms");
        assertThat(exit).as("stopped, not fallen back").isIn(0, 143);
        assertThat(stopMs).isLessThan(15_000);
        assertThat(jvms.stream().filter(p -> !gone(p)).map(SelfUpdateIT::describe).toList()).isEmpty();
        assertThat(Ports.listening(gateway.httpPort())).isFalse();
    }

    // --- helpers -------------------------------------------------------------------------

    private GatewayProcess install(String name) throws IOException {
        return GatewayProcess.install(dir, name);
    }

    /**
     * The built distribution as another version: its {@code hybridge.version} changed and extra
     * framework properties appended, packed like {@code hybridge-<version>.tar.gz} (pax format).
     */
    private Path newVersion(String version, String extraProperties) throws Exception {
        Path dist = GatewayProcess.distribution();
        Path root = Files.createDirectories(dir.resolve("build-" + version));
        Path top = root.resolve("hybridge-" + version);
        for (String part : List.of("lib", "bundles", "etc/features", "bin")) {
            copyTree(dist.resolve(part), top.resolve(part));
        }
        String properties = Files.readString(dist.resolve("etc/framework.properties"), StandardCharsets.UTF_8)
                .replaceAll("(?m)^hybridge\\.version=.*$", "hybridge.version=" + version);
        Files.writeString(top.resolve("etc/framework.properties"), properties + "\n" + extraProperties + "\n");
        Path archive = dir.resolve("hybridge-" + version + ".tar.gz");
        Process tar = new ProcessBuilder("tar", "--format=posix", "-czf", archive.toString(), "-C", root.toString(),
                top.getFileName().toString()).redirectErrorStream(true).start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).as(new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        return archive;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static Path slots(GatewayProcess gateway) {
        return gateway.home().resolve("var/slots");
    }

    private static String slotFile(GatewayProcess gateway, String name) {
        try {
            Path file = slots(gateway).resolve(name);
            return Files.exists(file) ? Files.readString(file).strip() : "factory";
        } catch (IOException e) {
            return null;
        }
    }

    private static int featureBundleCount(GatewayProcess gateway) throws IOException {
        Path stamps = gateway.home().resolve("var/cache/hybridge-features.properties");
        return (int) Files.readAllLines(stamps).stream().filter(l -> l.startsWith("feature\\:")).count();
    }

    /** Waits on the slot files; a timeout shows what the launcher said about the trial. */
    private static void awaitSlots(GatewayProcess gateway, String what, java.util.function.BooleanSupplier condition) {
        Wait.until(what, SWITCH_DEADLINE, condition::getAsBoolean, () -> "the gateway's log on the trial:"
                + gateway.log().lines().filter(l -> l.contains("self-update") || l.contains("framework st"))
                        .reduce("", (a, b) -> a + "\n" + b));
    }

    /**
     * Ended: not alive, or a zombie — a halted JVM whose parent was killed is reaped by whoever
     * adopts it, which need not be at once; it holds no port, file or memory any more.
     */
    private static boolean gone(ProcessHandle process) {
        return !process.isAlive() || List.of("Z", "X", "gone").contains(procState(process.pid()));
    }

    private static String describe(ProcessHandle process) {
        return process.pid() + " (state " + procState(process.pid()) + ", parent "
                + process.parent().map(p -> Long.toString(p.pid())).orElse("none") + ", "
                + process.info().commandLine().map(c -> c.length() > 120 ? c.substring(0, 120) + "…" : c).orElse("?") + ")";
    }

    /** The state letter of /proc/<pid>/stat (after the command name in parentheses). */
    private static String procState(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException | RuntimeException e) {
            return "gone";
        }
    }

    private static void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private record Result(int exitCode, String output) {
    }

    private static Result command(GatewayProcess gateway, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        command.add(gateway.home().resolve("bin/hybridge").toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().keySet().removeIf(name -> name.startsWith("HYBRIDGE_"));
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("bin/hybridge " + String.join(" ", args)).isTrue();
        Result result = new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertThat(result.exitCode).as("bin/hybridge " + String.join(" ", args) + ": " + result.output).isZero();
        return result;
    }
}

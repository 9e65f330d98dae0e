package io.hybridge.runtime.unikernel.internal.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupPlacementTest {

    @TempDir
    Path root;

    @Test
    void limitsAreTheSpecsCpusAndTheGuestsMemoryPlusOverhead() {
        assertEquals(new CgroupPlacement.Limits(50_000, (256 + 96) * 1024L * 1024), CgroupPlacement.Limits.of(0.5, 256, 96));
        assertEquals(new CgroupPlacement.Limits(0, 0), CgroupPlacement.Limits.of(0, 0, 96));
        assertEquals(1000, CgroupPlacement.Limits.of(0.001, 0, 0).cpuQuotaMicros(), "CFS takes at least 1 ms");
    }

    @Test
    void v1WritesQuotaAndLimitInTheCpuAndMemoryHierarchies() {
        CgroupPlacement v1 = new CgroupPlacement(CgroupPlacement.Version.V1, root, "{self}/vms",
                Map.of("cpu", "/", "memory", "/gateway.service"));
        Map<Path, String> values = v1.values("hb-gw-t-0", CgroupPlacement.Limits.of(1.5, 128, 64));
        assertEquals(Map.of(root.resolve("cpu/vms/hb-gw-t-0/cpu.cfs_period_us"), "100000",
                root.resolve("cpu/vms/hb-gw-t-0/cpu.cfs_quota_us"), "150000",
                root.resolve("memory/gateway.service/vms/hb-gw-t-0/memory.limit_in_bytes"), Long.toString(192L * 1024 * 1024)), values);
    }

    @Test
    void v2WritesCpuMaxAndMemoryMaxAndPassesTheControllersDown() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids");
        Files.writeString(root.resolve("cgroup.subtree_control"), "");
        assertEquals(CgroupPlacement.Version.V2, CgroupPlacement.detectVersion(root));
        CgroupPlacement v2 = new CgroupPlacement(CgroupPlacement.Version.V2, root, "hybridge-vms", Map.of("", "/"));
        List<Path> procs = v2.prepare("hb-gw-t-0", CgroupPlacement.Limits.of(0, 100, 28));
        assertEquals(List.of(root.resolve("hybridge-vms/hb-gw-t-0/cgroup.procs")), procs);
        assertEquals("+cpu +memory", Files.readString(root.resolve("cgroup.subtree_control")));
        assertEquals(Map.of(root.resolve("hybridge-vms/hb-gw-t-0/cpu.max"), "max 100000",
                root.resolve("hybridge-vms/hb-gw-t-0/memory.max"), Long.toString(128L * 1024 * 1024),
                root.resolve("hybridge-vms/hb-gw-t-0/memory.swap.max"), "0"), v2.values("hb-gw-t-0", CgroupPlacement.Limits.of(0, 100, 28)));
    }

    @Test
    void oomKillsAreCounted() {
        assertEquals(2, CgroupPlacement.counter("oom_kill_disable 0\nunder_oom 0\noom_kill 2\n", "oom_kill"));
        assertEquals(0, CgroupPlacement.counter("low 0\nhigh 0\n", "oom_kill"));
    }
}

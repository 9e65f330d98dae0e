package io.hybridge.runtime.unikernel.internal.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessIdentityTest {

    @TempDir
    Path proc;

    void fakeProcess(long pid, String comm, long startTicks, char state, String cmdline) throws Exception {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        StringBuilder stat = new StringBuilder(pid + " (" + comm + ") " + state);
        for (int field = 4; field <= 21; field++) {
            stat.append(" 0");
        }
        stat.append(' ').append(startTicks).append(" 0 0\n");
        Files.writeString(dir.resolve("stat"), stat.toString());
        Files.writeString(dir.resolve("cmdline"), cmdline.replace(' ', '\0'));
    }

    @Test
    void startTicksSurviveParenthesesInTheName() {
        assertEquals(4242, ProcessIdentity.startTicks("77 (qemu (x) y) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4242 19 20"));
    }

    @Test
    void theSameVmmIsAlive() throws Exception {
        fakeProcess(100, "qemu-system-x86", 5000, 'S', "qemu -pidfile /var/hb/instances/hb-gw-a-0/vmm.pid");
        assertTrue(new ProcessIdentity(100, 5000).isAlive(proc, "/var/hb/instances/hb-gw-a-0"));
    }

    @Test
    void aReusedPidIsNotTheVmm() throws Exception {
        fakeProcess(100, "qemu-system-x86", 9000, 'S', "qemu -pidfile /var/hb/instances/hb-gw-a-0/vmm.pid");
        assertFalse(new ProcessIdentity(100, 5000).isAlive(proc, "/var/hb/instances/hb-gw-a-0"), "started later: another process");
        fakeProcess(101, "bash", 5000, 'S', "bash");
        assertFalse(new ProcessIdentity(101, 5000).isAlive(proc, "/var/hb/instances/hb-gw-a-0"), "another command");
        fakeProcess(102, "qemu-system-x86", 5000, 'Z', "");
        assertFalse(new ProcessIdentity(102, 5000).isAlive(proc, ""), "a zombie has ended");
        assertFalse(new ProcessIdentity(103, 5000).isAlive(proc, ""), "gone");
    }

    @Test
    void theManifestRoundTrips(@TempDir Path state) throws Exception {
        InstanceDir dir = new InstanceDir(state.resolve("hb-gw-a-0"), state.resolve("s"));
        Files.createDirectories(dir.path());
        dir.writeManifest(Map.of("gateway", "gw", "pid", "100", "pidStartTicks", "5000"));
        assertEquals("gw", dir.manifest().get("gateway"));
        assertTrue(dir.exists());
        assertTrue(dir.exit().isEmpty());
        dir.writePrivate(dir.file("vm.cfg"), "secret");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.file("vm.cfg"))));
    }
}

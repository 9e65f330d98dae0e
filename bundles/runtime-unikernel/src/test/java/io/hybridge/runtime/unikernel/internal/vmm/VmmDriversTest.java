package io.hybridge.runtime.unikernel.internal.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.hybridge.runtime.unikernel.internal.image.UnikernelImage;

class VmmDriversTest {

    static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    final InstanceDir dir = new InstanceDir(Path.of("/var/hb/unikernel/instances/hb-gw-telemetry-0"), Path.of("/run/hybridge-vmm"));
    final UnikernelImage image = new UnikernelImage("r/t:1", "sha256:" + "a".repeat(64), Path.of("/cache/vmlinuz"),
            Optional.of(Path.of("/cache/initrd")), "console=ttyS0 quiet", "linux", "qemu", 1, 256, Map.of());

    VmLaunch launch(Accelerator accelerator, String cmdline, Optional<VmNetwork> network) {
        return new VmLaunch("hb-gw-telemetry-0", image, 2, 256, accelerator, cmdline, network, dir);
    }

    @Test
    void qemuUnderTcgBootsMicrovmDetachedWithTheCommandLineInAPrivateFile() {
        LaunchPlan plan = new QemuMicrovmDriver(Optional.of(QEMU), "host", 64)
                .plan(launch(Accelerator.TCG, "console=ttyS0 quiet tsc_early_khz=2000000 hybridge.env.MQTT_PASSWORD=s3cret",
                        Optional.of(new VmNetwork("10.0.2.100", 1883, 41883))), QEMU);
        String cmd = String.join(" ", plan.command());
        assertTrue(cmd.startsWith("/usr/bin/qemu-system-x86_64 -name hb-gw-telemetry-0 -M microvm -accel tcg,tb-size=64 -cpu max"
                + " -smp 2 -m 256M -nodefaults -no-user-config -display none -no-reboot -kernel /cache/vmlinuz -initrd /cache/initrd"
                + " -readconfig /var/hb/unikernel/instances/hb-gw-telemetry-0/vm.cfg"), cmd);
        assertFalse(cmd.contains("s3cret"), "the password stays out of ps: " + cmd);
        assertEquals("[machine]\n  append = \"console=ttyS0 quiet tsc_early_khz=2000000 hybridge.env.MQTT_PASSWORD=s3cret\"\n",
                plan.files().get(dir.file("vm.cfg")));
        assertTrue(cmd.contains("-chardev file,id=console,path=/var/hb/unikernel/instances/hb-gw-telemetry-0/console.log,append=on"
                + " -serial chardev:console"), cmd);
        assertTrue(cmd.contains("-chardev socket,id=control,path=" + dir.controlSocket() + ",server=on,wait=off"
                + " -device isa-serial,chardev=control,index=1 -qmp unix:" + dir.qmpSocket() + ",server=on,wait=off"), cmd);
        assertTrue(cmd.contains("-netdev user,id=net0,restrict=on,guestfwd=tcp:10.0.2.100:1883-tcp:127.0.0.1:41883"
                + " -device virtio-net-device,netdev=net0"), cmd);
        assertTrue(cmd.endsWith("-daemonize -pidfile /var/hb/unikernel/instances/hb-gw-telemetry-0/vmm.pid"), cmd);
        assertTrue(plan.daemonizes());
        assertTrue(dir.controlSocket().toString().length() < 100, "socket paths stay short: " + dir.controlSocket());
    }

    @Test
    void qemuUnderKvmUsesTheConfiguredCpuModelAndNoNetworkWithoutBus() {
        String cmd = String.join(" ", new QemuMicrovmDriver(Optional.of(QEMU), "host", 64)
                .plan(launch(Accelerator.KVM, "console=ttyS0", Optional.empty()), QEMU).command());
        assertTrue(cmd.contains("-accel kvm -cpu host"), cmd);
        assertFalse(cmd.contains("-netdev"), cmd);
    }

    @Test
    void aCommandLineTheConfigFileCannotHoldGoesOnAppend() {
        String quoted = "console=ttyS0 hybridge.env.GREETING=\"hello world\"";
        LaunchPlan plan = new QemuMicrovmDriver(Optional.of(QEMU), "host", 64).plan(launch(Accelerator.TCG, quoted, Optional.empty()), QEMU);
        assertTrue(plan.files().isEmpty());
        int append = plan.command().indexOf("-append");
        assertEquals(quoted, plan.command().get(append + 1));
    }

    @Test
    void firecrackerGetsOneConfigFileAndRefusesTcgAndTheBrokerForward() {
        FirecrackerDriver driver = new FirecrackerDriver(Optional.of(Path.of("/usr/bin/firecracker")));
        LaunchPlan plan = driver.plan(launch(Accelerator.KVM, "console=ttyS0 a=\"b\"", Optional.empty()), Path.of("/usr/bin/firecracker"));
        assertEquals(List.of("/usr/bin/firecracker", "--id", "hb-gw-telemetry-0", "--api-sock", dir.controlSocket().toString(),
                "--config-file", dir.file("firecracker.json").toString()), plan.command());
        assertEquals("""
                {
                  "boot-source": {"kernel_image_path": "/cache/vmlinuz", "initrd_path": "/cache/initrd", "boot_args": "console=ttyS0 a=\\"b\\""},
                  "drives": [],
                  "machine-config": {"vcpu_count": 2, "mem_size_mib": 256, "smt": false},
                  "network-interfaces": []
                }
                """, plan.files().get(dir.file("firecracker.json")));
        assertFalse(plan.daemonizes());
        assertThrows(IllegalArgumentException.class, () -> driver.plan(launch(Accelerator.TCG, "", Optional.empty()), Path.of("f")));
        assertThrows(IllegalArgumentException.class, () -> driver.plan(launch(Accelerator.KVM, "",
                Optional.of(new VmNetwork("10.0.2.100", 1883, 1883))), Path.of("f")));
    }

    @Test
    void solo5TakesTheKernelThenItsArgumentsAndNoInitrd() {
        UnikernelImage mirage = new UnikernelImage("r/m:1", "sha256:" + "b".repeat(64), Path.of("/cache/app.hvt"), Optional.empty(),
                "", "mirage", "hvt", 1, 64, Map.of());
        VmLaunch launch = new VmLaunch("hb-gw-m-0", mirage, 1, 64, Accelerator.KVM, "--ipv4=10.0.0.2/24 --verbose", Optional.empty(), dir);
        assertEquals(List.of("/usr/bin/solo5-hvt", "--mem=64", "/cache/app.hvt", "--ipv4=10.0.0.2/24", "--verbose"),
                new Solo5Driver("hvt", Optional.empty()).plan(launch, Path.of("/usr/bin/solo5-hvt")).command());
        assertThrows(IllegalArgumentException.class, () -> new Solo5Driver("spt", Optional.empty()).plan(launch(Accelerator.TCG, "",
                Optional.empty()), Path.of("/usr/bin/solo5-spt")));
        assertThrows(IllegalArgumentException.class, () -> new Solo5Driver("xen", Optional.empty()));
    }

    @Test
    void theLauncherJoinsTheCgroupThenExecsTheVmm() {
        LaunchPlan daemonizing = new LaunchPlan(List.of("qemu", "-daemonize"), Map.of(), true);
        List<String> cmd = VmLauncher.command(daemonizing);
        assertEquals(List.of("/bin/sh", "-c"), cmd.subList(0, 2));
        assertTrue(cmd.get(2).contains("echo $$ > \"$p\"") && cmd.get(2).endsWith("exec \"$@\""), cmd.get(2));
        assertEquals(List.of("hybridge-vmm", "qemu", "-daemonize"), cmd.subList(3, cmd.size()));
        assertEquals(List.of("hybridge-vmm", "setsid", "firecracker"),
                VmLauncher.command(new LaunchPlan(List.of("firecracker"), Map.of(), false)).subList(3, 6));
    }

    @Test
    void eachGuestConnectionToTheBrokerGetsItsOwnRelayWhenSocatIsThere() {
        VmNetwork relayed = new VmNetwork("10.0.2.100", 1883, 41883, java.util.Optional.of(Path.of("/usr/bin/socat")));
        assertEquals("cmd:/usr/bin/socat - TCP:127.0.0.1:41883", QemuMicrovmDriver.forwardTarget(relayed));
        assertEquals("tcp:127.0.0.1:41883", QemuMicrovmDriver.forwardTarget(new VmNetwork("10.0.2.100", 1883, 41883)));
    }
}

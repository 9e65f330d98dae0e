package io.hybridge.runtime.unikernel.internal.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class KernelCommandLineTest {

    @Test
    void tcgAddsTheTscRateAndEnvBecomesPrefixedEntries() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("MQTT_URI", "tcp://10.0.2.100:1883");
        env.put("GREETING", "hello world");
        env.put("EMPTY", "");
        assertEquals("console=ttyS0 tsc_early_khz=2445406 hybridge.env.MQTT_URI=tcp://10.0.2.100:1883"
                        + " hybridge.env.GREETING=\"hello world\" hybridge.env.EMPTY=\"\"",
                KernelCommandLine.compose("console=ttyS0 ", Accelerator.TCG, 2445406, "hybridge.env.", env));
    }

    @Test
    void kvmNeedsNoTscRate() {
        assertEquals("console=ttyS0 app.env.A=1", KernelCommandLine.compose("console=ttyS0", Accelerator.KVM, 2445406, "app.env.",
                Map.of("A", "1")));
    }

    @Test
    void theLimitsAreCheckedWithTheNumbers() {
        IllegalArgumentException tooLong = assertThrows(IllegalArgumentException.class, () -> KernelCommandLine.compose("console=ttyS0",
                Accelerator.KVM, 0, "hybridge.env.", Map.of("BIG", "x".repeat(2100))));
        assertTrue(tooLong.getMessage().contains("more than the 2047 an x86 kernel accepts"), tooLong.getMessage());
        IllegalArgumentException quote = assertThrows(IllegalArgumentException.class, () -> KernelCommandLine.compose("", Accelerator.KVM,
                0, "hybridge.env.", Map.of("Q", "say \"hi\"")));
        assertTrue(quote.getMessage().startsWith("env Q: "), quote.getMessage());
    }

    @Test
    void theConfigFileTakesShortUnquotedLinesOnly() {
        assertTrue(KernelCommandLine.fitsConfigFile("console=ttyS0 a=b"));
        assertFalse(KernelCommandLine.fitsConfigFile("a=\"b c\""));
        assertFalse(KernelCommandLine.fitsConfigFile("x".repeat(1001)));
    }
}

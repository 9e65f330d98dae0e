package io.hybridge.runtime.unikernel.internal.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleLogTest {

    @TempDir
    Path dir;

    void write(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void deliversCompleteLinesOnceWithoutCarriageReturns() throws Exception {
        Path file = dir.resolve("console.log");
        ConsoleLog log = new ConsoleLog(file, dir.resolve("console.log.1"), 1 << 20, 0);
        write(file, "one\r\ntw");
        assertEquals(List.of("one"), log.poll());
        write(file, "o\nthree\n");
        assertEquals(List.of("two", "three"), log.poll());
        assertEquals(List.of(), log.poll());
    }

    @Test
    void copyTruncatesPastTheBoundAndLosesNoLine() throws Exception {
        Path file = dir.resolve("console.log");
        Path rotated = dir.resolve("console.log.1");
        ConsoleLog log = new ConsoleLog(file, rotated, 100, 0);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            write(file, "line " + i + " of the console\n");
            seen.addAll(log.poll());
            assertTrue(Files.size(file) <= 100 + 30, "bounded: " + Files.size(file));
        }
        assertEquals(50, seen.size());
        assertEquals("line 49 of the console", seen.get(49));
        assertTrue(Files.exists(rotated));
        List<String> last = ConsoleLog.lastLines(file, rotated, 3);
        assertEquals(List.of("line 47 of the console", "line 48 of the console", "line 49 of the console"), last);
    }

    @Test
    void anAdoptedVmIsReadFromWhereItIs() throws Exception {
        Path file = dir.resolve("console.log");
        write(file, "before the restart\n");
        ConsoleLog log = new ConsoleLog(file, dir.resolve("console.log.1"), 1 << 20, Files.size(file));
        write(file, "after\n");
        assertEquals(List.of("after"), log.poll());
    }

    @Test
    void theExitStatusIsTheLastExitLines() {
        assertEquals(OptionalInt.of(143), ConsoleLog.exitStatus(List.of("hybridge-init: task exited with status 1",
                "hybridge-init: task exited with status 143", "[    2.5] reboot: Power down"), ConsoleLog.DEFAULT_EXIT_LINE));
        assertEquals(OptionalInt.empty(), ConsoleLog.exitStatus(List.of("Kernel panic"), ConsoleLog.DEFAULT_EXIT_LINE));
        assertEquals(OptionalInt.of(7), ConsoleLog.exitStatus(List.of("app: exit=7"), "app: exit="));
    }
}

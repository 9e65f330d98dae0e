package io.hybridge.runtime.unikernel.internal.vmm;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * The kernel command line a guest boots with: the image's own, {@code tsc_early_khz} under TCG,
 * and the environment as {@code <prefix>NAME=value} entries (the image's
 * {@code io.hybridge.unikernel.envPrefix}, {@code hybridge.env.} by default), which the
 * telemetry init turns into the task's environment. Values with spaces are double-quoted; a
 * value cannot hold a double quote or a control character, and the whole line is limited to
 * 2,048 bytes on x86 ({@code COMMAND_LINE_SIZE}).
 */
public final class KernelCommandLine {

    /** x86's COMMAND_LINE_SIZE, terminating NUL included. */
    public static final int MAX_BYTES = 2047;
    /**
     * QEMU 7.2's {@code -readconfig} reads lines of at most 1,023 bytes into a 1,024-byte buffer
     * and takes no double quote inside a value (measured: 1,010 bytes of value still work, 1,015
     * do not); longer or quoted lines go on the VMM's command line instead.
     */
    public static final int MAX_CONFIG_FILE_BYTES = 1000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private KernelCommandLine() {
    }

    /**
     * @throws IllegalArgumentException naming the variable or the length, and what would fit
     */
    public static String compose(String imageCmdline, Accelerator accelerator, long tscKhz, String envPrefix,
                                 Map<String, String> env) {
        StringBuilder line = new StringBuilder(imageCmdline.trim());
        if (accelerator == Accelerator.TCG && tscKhz > 0 && !imageCmdline.contains("tsc_early_khz=")) {
            append(line, "tsc_early_khz=" + tscKhz);
        }
        env.forEach((name, value) -> {
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("env " + name + ": not a variable name; use letters, digits and '_'");
            }
            if (value.indexOf('"') >= 0 || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("env " + name + ": a microVM's kernel command line cannot carry a double quote"
                        + " or a control character in a value; remove them from the value");
            }
            append(line, envPrefix + name + "=" + (value.isEmpty() || value.contains(" ") ? '"' + value + '"' : value));
        });
        String result = line.toString();
        int bytes = result.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new IllegalArgumentException("the kernel command line would be " + bytes + " bytes, more than the " + MAX_BYTES
                    + " an x86 kernel accepts (image command line " + imageCmdline.length() + " bytes, the rest is env and the"
                    + " broker account); shorten the spec's env values or names");
        }
        return result;
    }

    private static void append(StringBuilder line, String entry) {
        if (!line.isEmpty()) {
            line.append(' ');
        }
        line.append(entry);
    }

    /** Whether QEMU's {@code -readconfig} can carry it (see {@link #MAX_CONFIG_FILE_BYTES}). */
    public static boolean fitsConfigFile(String cmdline) {
        return cmdline.indexOf('"') < 0 && cmdline.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_CONFIG_FILE_BYTES;
    }
}

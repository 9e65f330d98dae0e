package io.hybridge.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;

/**
 * {@code bin/hybridge stage|switch|slots}: the self-update protocol from a shell, for operators,
 * tests and a deploy bundle that prefers running a command to writing the files itself.
 */
public final class SelfUpdateCommand {

    private SelfUpdateCommand() {
    }

    public static void main(String[] args) {
        Path home = Path.of(System.getProperty("hybridge.home", ".")).toAbsolutePath().normalize();
        System.exit(run(home, args, System.out, System.err));
    }

    static int run(Path home, String[] args, PrintStream out, PrintStream err) {
        SlotDirectory slots = new SlotDirectory(home);
        try {
            String command = args.length == 0 ? "slots" : args[0];
            switch (command) {
                case "stage" -> {
                    if (args.length < 2 || args.length > 3) {
                        return usage(err);
                    }
                    String id = new SlotStager(slots, Clock.systemUTC()).stage(Path.of(args[1]),
                            args.length == 3 ? args[2] : null);
                    out.println("staged slot " + id + " (" + slots.version(id) + ") in " + slots.home(id));
                    out.println(id);
                }
                case "switch" -> {
                    if (args.length != 2) {
                        return usage(err);
                    }
                    String id = args[1];
                    if (!SlotDirectory.FACTORY.equals(id)) {
                        SlotDirectory.checkId(id);
                    }
                    if (!slots.isStaged(id)) {
                        throw new IllegalArgumentException("slot " + id + " is not staged (no " + slots.dir().resolve(id)
                                .resolve(SlotDirectory.SLOT_PROPERTIES) + "); stage an archive first");
                    }
                    if (slots.exists("trial")) {
                        throw new IllegalStateException("a trial is running (var/slots/trial); switch after it ends");
                    }
                    if (id.equals(slots.current())) {
                        throw new IllegalArgumentException("slot " + id + " is already the current one");
                    }
                    slots.write("next", id + "\n");
                    out.println("slot " + id + " is next: the gateway starts it on trial when its framework stops"
                            + " or it restarts");
                }
                case "slots" -> status(slots, out);
                default -> {
                    return usage(err);
                }
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("hybridge " + String.join(" ", args) + ": " + e.getMessage());
            return 1;
        }
    }

    private static void status(SlotDirectory slots, PrintStream out) throws IOException {
        out.println("current:   " + slots.current() + " (" + slots.version(slots.current()) + ")");
        for (String file : new String[] {"previous", "next", "confirmed"}) {
            out.println(String.format("%-10s %s", file + ":", slots.read(file).orElse("-")));
        }
        out.println("trial:     " + (slots.exists("trial") ? slots.readAll("trial").strip().replace('\n', ' ') : "-"));
        out.println("slots:     " + slots.slotDirectories().map(s -> s + " (" + slots.version(s) + ")").toList());
        Path failed = slots.dir().resolve("failed");
        if (Files.isDirectory(failed)) {
            try (Stream<Path> files = Files.list(failed)) {
                for (Path file : files.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList()) {
                    out.println("failed:    " + file.getFileName() + ": " + Files.readString(file).strip());
                }
            }
        }
        Path history = slots.dir().resolve("history.json");
        if (Files.isRegularFile(history)) {
            out.println("history (" + history + "):");
            out.print(Files.readString(history));
        }
    }

    private static int usage(PrintStream err) {
        err.println("usage: hybridge stage ARCHIVE [SLOT] | switch SLOT | slots");
        return 2;
    }
}

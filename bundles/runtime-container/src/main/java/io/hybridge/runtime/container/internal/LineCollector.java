package io.hybridge.runtime.container.internal;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;

import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;

/**
 * Cuts an instance's output frames into lines. The engine frames each write; a line may span
 * frames, so stdout and stderr keep their own unfinished line until its newline arrives.
 */
final class LineCollector {

    private final Consumer<String> lines;
    private final Map<StreamType, StringBuilder> partial = new EnumMap<>(StreamType.class);

    LineCollector(Consumer<String> lines) {
        this.lines = lines;
    }

    synchronized void accept(Frame frame) {
        StringBuilder buffer = partial.computeIfAbsent(frame.getStreamType(), type -> new StringBuilder());
        buffer.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
        int newline;
        while ((newline = buffer.indexOf("\n")) >= 0) {
            int end = newline > 0 && buffer.charAt(newline - 1) == '\r' ? newline - 1 : newline;
            lines.accept(buffer.substring(0, end));
            buffer.delete(0, newline + 1);
        }
    }

    /** Hands over what is left without a final newline. */
    synchronized void flush() {
        partial.values().forEach(buffer -> {
            if (buffer.length() > 0) {
                lines.accept(buffer.toString());
                buffer.setLength(0);
            }
        });
    }
}

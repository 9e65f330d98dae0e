package io.hybridge.launcher;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * {@code var/slots/history.json}: one entry per trial of a slot (slot, version, when it started,
 * its outcome and why), newest last, for the console, BIRTH and an operator reading the file.
 * An entry is keyed by slot and start time, so recording an outcome twice (a {@code kill -9}
 * between two steps of the protocol, then the step again) changes nothing.
 */
final class SlotHistory {

    /** How many entries are kept; older ones are dropped. */
    static final int LIMIT = 50;

    enum Outcome { TRIAL, CONFIRMED, FAILED }

    record Entry(String slot, String version, Instant started, Outcome outcome, String reason, Instant ended) {
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final Path file;

    SlotHistory(Path slotsDir) {
        this.file = slotsDir.resolve("history.json");
    }

    List<Entry> entries() throws IOException {
        List<Entry> entries = new ArrayList<>();
        if (!Files.isRegularFile(file)) {
            return entries;
        }
        try (JsonParser parser = JSON.createParser(Files.readString(file, StandardCharsets.UTF_8))) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IOException(file + ": expected a JSON array of history entries");
            }
            while (parser.nextToken() == JsonToken.START_OBJECT) {
                String slot = null;
                String version = null;
                String reason = null;
                Instant started = null;
                Instant ended = null;
                Outcome outcome = Outcome.TRIAL;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    parser.nextToken();
                    String value = parser.currentToken() == JsonToken.VALUE_NULL ? null : parser.getValueAsString();
                    switch (field) {
                        case "slot" -> slot = value;
                        case "version" -> version = value;
                        case "started" -> started = value == null ? null : Instant.parse(value);
                        case "ended" -> ended = value == null ? null : Instant.parse(value);
                        case "outcome" -> outcome = Outcome.valueOf(value.toUpperCase(java.util.Locale.ROOT));
                        case "reason" -> reason = value;
                        default -> parser.skipChildren();
                    }
                }
                entries.add(new Entry(slot, version, started, outcome, reason, ended));
            }
        }
        return entries;
    }

    /** Adds the entry, or replaces the one with the same slot and start time. */
    void record(Entry entry) throws IOException {
        List<Entry> entries = entries();
        boolean replaced = false;
        for (int i = 0; i < entries.size(); i++) {
            Entry old = entries.get(i);
            if (old.slot().equals(entry.slot()) && old.started().equals(entry.started())) {
                entries.set(i, entry);
                replaced = true;
            }
        }
        if (!replaced) {
            entries.add(entry);
        }
        while (entries.size() > LIMIT) {
            entries.remove(0);
        }
        SlotDirectory.writeAtomically(file, format(entries));
    }

    private static String format(List<Entry> entries) throws IOException {
        StringWriter out = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            json.writeStartArray();
            for (Entry entry : entries) {
                json.writeStartObject();
                json.writeStringField("slot", entry.slot());
                json.writeStringField("version", entry.version());
                json.writeStringField("started", entry.started().toString());
                json.writeStringField("outcome", entry.outcome().name().toLowerCase(java.util.Locale.ROOT));
                json.writeStringField("reason", entry.reason());
                json.writeStringField("ended", entry.ended() == null ? null : entry.ended().toString());
                json.writeEndObject();
            }
            json.writeEndArray();
        }
        return out + "\n";
    }
}

package io.hybridge.workloads.internal.spec;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadSpec;

/**
 * The JSON form of a spec: {@code *.workload.json} files and {@code WORKLOADS-V1}. The schema is
 * in the workloads bundle's README. Reading checks everything ({@link SpecValidator} included) and
 * reports every problem; writing gives every field in a fixed order, and reading it back gives an
 * equal spec.
 */
public final class WorkloadJson {

    /** Decimals stay exact until checked; a key given twice is an error, not a silent overwrite. */
    private static final JSON READER = JSON.std.with(JSON.Feature.USE_BIG_DECIMAL_FOR_FLOATS,
            JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS);
    private static final JSON WRITER = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private WorkloadJson() {
    }

    /**
     * A valid spec from JSON text.
     *
     * @throws InvalidSpecException {@code workload spec <name>: } and every problem
     */
    public static WorkloadSpec parse(String json) throws InvalidSpecException {
        return parse(json, null);
    }

    /**
     * A valid spec from the JSON text of a file.
     *
     * @param file names the spec in the exception (e.g. {@code vision.workload.json}); null: its name
     * @throws InvalidSpecException {@code workload spec <file>: } and every problem
     */
    public static WorkloadSpec parse(String json, String file) throws InvalidSpecException {
        return fromDocument(object(json, file), file);
    }

    /**
     * Parses a spec sent for the workload {@code name} (a request path names it): a document
     * without a {@code name} takes it, one with another name is refused.
     */
    public static WorkloadSpec parseFor(String json, String name) throws InvalidSpecException {
        Map<String, Object> document = new java.util.LinkedHashMap<>(object(json, null));
        Object inDocument = document.get("name");
        if (inDocument == null) {
            document.put("name", name);
        } else if (!name.equals(inDocument)) {
            throw new InvalidSpecException(what(null, name), List.of(new SpecProblem("name", "'" + inDocument
                    + "' differs from the name in the request path, '" + name + "'; make them equal or leave name out")));
        }
        return fromDocument(document, null);
    }

    private static Map<String, Object> object(String json, String file) throws InvalidSpecException {
        Problems problems = new Problems();
        Object document;
        try {
            document = document(json);
        } catch (JsonProcessingException e) {
            JsonLocation where = e.getLocation();
            problems.add(file == null ? "json" : file, "not valid JSON" + (where == null ? "" : " at line "
                    + where.getLineNr() + ", column " + where.getColumnNr()) + ": " + e.getOriginalMessage()
                    .lines().findFirst().orElse(""));
            throw new InvalidSpecException(what(file, null), problems.list());
        } catch (IOException e) {
            throw new IllegalStateException("reading a string cannot fail this way", e);
        }
        if (!(document instanceof Map<?, ?> map)) {
            problems.add(file == null ? "json" : file, Problems.show(document) + " is " + Problems.kind(document)
                    + "; a workload spec is a JSON object {\"name\": …, \"image\": …}");
            throw new InvalidSpecException(what(file, null), problems.list());
        }
        return JsonObject.cast(map);
    }

    /**
     * A valid spec from a JSON document already parsed into maps, lists, strings, numbers and
     * booleans (e.g. the body of a request).
     *
     * @param file as in {@link #parse(String, String)}
     */
    public static WorkloadSpec fromDocument(Map<String, Object> document, String file) throws InvalidSpecException {
        Problems problems = new Problems();
        WorkloadSpec spec = JsonSpecReader.read(document, problems);
        boolean referenceAlone = document.get("image") instanceof String;
        problems.addUncovered(SpecValidator.problems(spec).stream()
                .map(problem -> referenceAlone && problem.field().equals("image.reference")
                        ? new SpecProblem("image", problem.message()) : problem)
                .toList());
        problems.order(JsonSpecWriter.FIELD_ORDER);
        problems.throwIfAny(what(file, spec.name()));
        return spec;
    }

    /** Pretty-printed JSON text with every field, in the documented order. */
    public static String toJson(WorkloadSpec spec) {
        try {
            return WRITER.asString(toDocument(spec));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** The JSON document as ordered maps and lists, to embed in a larger one. */
    public static Map<String, Object> toDocument(WorkloadSpec spec) {
        return JsonSpecWriter.write(spec);
    }

    private static Object document(String json) throws IOException {
        try (JsonParser parser = READER.createParser(json)) {
            Object document = READER.anyFrom(parser);
            if (parser.nextToken() != null) {
                throw new JsonParseAfterEnd(parser);
            }
            return document;
        }
    }

    private static String what(String file, String name) {
        if (file != null) {
            return "workload spec " + file;
        }
        return "workload spec " + (name == null || name.isEmpty() ? "(unnamed)" : name);
    }

    /** Text after the document ({@code {…} {…}}), which the reader alone would ignore. */
    private static final class JsonParseAfterEnd extends com.fasterxml.jackson.core.JsonParseException {
        private static final long serialVersionUID = 1L;

        JsonParseAfterEnd(JsonParser parser) {
            super(parser, "more text after the end of the object; a file holds one spec");
        }
    }
}

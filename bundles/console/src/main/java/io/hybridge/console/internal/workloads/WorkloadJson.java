package io.hybridge.console.internal.workloads;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.jr.ob.JSON;

import io.hybridge.api.workload.InvalidSpecException;
import io.hybridge.api.workload.SpecProblem;
import io.hybridge.api.workload.WorkloadStatus;

/**
 * JSON text in and out for the page and the API. The status's shape is
 * {@link WorkloadStatus#toJsonMap()}, shared with {@code WORKLOADS-V1}.
 */
final class WorkloadJson {

    private static final JSON PRETTY = JSON.std.with(JSON.Feature.PRETTY_PRINT_OUTPUT);

    private WorkloadJson() {
    }

    /** {@code {"error": <message>, "problems": [{"field", "message"}…]}}: a refused spec, field by field. */
    static Map<String, Object> refused(InvalidSpecException e) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("error", e.getMessage());
        List<Map<String, Object>> problems = new ArrayList<>();
        for (SpecProblem problem : e.problems()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("field", problem.field());
            entry.put("message", problem.message());
            problems.add(entry);
        }
        json.put("problems", problems);
        return json;
    }

    /** Parses JSON text into maps, lists and scalars, for embedding a spec in an answer. */
    static Object parse(String json) {
        try {
            return JSON.std.anyFrom(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String write(Object value) {
        try {
            return JSON.std.asString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** JSON text indented for reading; text that is not JSON is returned as it is. */
    static String pretty(String json) {
        try {
            return PRETTY.asString(JSON.std.anyFrom(json));
        } catch (IOException e) {
            return json;
        }
    }
}

package io.hybridge.console.internal.workloads;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.hybridge.api.workload.SpecProblem;

/**
 * What the last console actions did, held for the page that the browser is sent to after the
 * POST (post/redirect/get): the console only wraps GET answers in its frame, and a reload must
 * not repeat an action. Each result is read by a random id in the redirect's query; a few are
 * kept, for a few minutes.
 */
final class ActionResults {

    /**
     * @param ok       whether the action did what was asked
     * @param text     what happened, in words
     * @param problems a refused spec's problems, by field
     * @param specText the spec text that was sent, shown again in the form when refused
     */
    record Result(boolean ok, String text, List<SpecProblem> problems, String specText) {
        Result {
            problems = problems == null ? List.of() : List.copyOf(problems);
            specText = specText == null ? "" : specText;
        }

        static Result done(String text) {
            return new Result(true, text, List.of(), "");
        }

        static Result failed(String text) {
            return new Result(false, text, List.of(), "");
        }
    }

    static final int KEPT = 32;
    static final Duration LIFETIME = Duration.ofMinutes(10);

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Stored> results = new LinkedHashMap<>();

    private record Stored(Result result, Instant at) {
    }

    ActionResults(Clock clock) {
        this.clock = clock;
    }

    /** Keeps a result; returns the id to find it by. */
    synchronized String put(Result result) {
        byte[] id = new byte[12];
        random.nextBytes(id);
        String key = HexFormat.of().formatHex(id);
        results.put(key, new Stored(result, clock.instant()));
        while (results.size() > KEPT) {
            results.remove(results.keySet().iterator().next());
        }
        return key;
    }

    /** The result by id, or null when unknown or expired. */
    synchronized Result get(String id) {
        if (id == null) {
            return null;
        }
        Instant oldest = clock.instant().minus(LIFETIME);
        results.values().removeIf(stored -> stored.at().isBefore(oldest));
        Stored stored = results.get(id);
        return stored == null ? null : stored.result();
    }
}

package io.hybridge.config.internal;

import java.util.List;

/**
 * Why a configuration request was not carried out. The kind maps onto Kura's response codes;
 * the message names the input that was wrong and what would be right. Whatever the kind,
 * nothing was changed.
 */
public final class ConfigurationFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public enum Kind {
        /** The request is wrong: 400. */
        INVALID(400),
        /** A PID or snapshot the request names does not exist: 404. */
        NOT_FOUND(404),
        /** Config Admin or the disk failed; what was changed has been restored: 500. */
        FAILED(500);

        private final int code;

        Kind(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    private final Kind kind;
    private final List<String> problems;

    private ConfigurationFailure(Kind kind, List<String> problems, Throwable cause) {
        super(String.join("; ", problems), cause);
        this.kind = kind;
        this.problems = List.copyOf(problems);
    }

    public static ConfigurationFailure invalid(List<String> problems) {
        return new ConfigurationFailure(Kind.INVALID, problems, null);
    }

    public static ConfigurationFailure invalid(String problem) {
        return invalid(List.of(problem));
    }

    public static ConfigurationFailure notFound(String problem) {
        return new ConfigurationFailure(Kind.NOT_FOUND, List.of(problem), null);
    }

    public static ConfigurationFailure failed(String problem, Throwable cause) {
        return new ConfigurationFailure(Kind.FAILED, List.of(problem), cause);
    }

    public Kind kind() {
        return kind;
    }

    /** Each problem on its own; {@link #getMessage()} joins them with "; ". */
    public List<String> problems() {
        return problems;
    }
}

package io.hybridge.api.workload;

import java.util.List;
import java.util.stream.Collectors;

/** A spec that cannot be accepted; nothing was changed. Carries every problem found. */
public class InvalidSpecException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient List<SpecProblem> problems;

    public InvalidSpecException(String what, List<SpecProblem> problems) {
        super(what + ": " + problems.stream().map(SpecProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public List<SpecProblem> problems() {
        return problems;
    }
}

package io.hybridge.fleet.rollout;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a wave whose failures pass the error threshold does to its rollout. */
public enum ErrorAction {
    PAUSE, ABORT, ROLLBACK;

    public static ErrorAction parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("error action '" + text + "' is not one of "
                    + Arrays.stream(values()).map(v -> v.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")), e);
        }
    }
}

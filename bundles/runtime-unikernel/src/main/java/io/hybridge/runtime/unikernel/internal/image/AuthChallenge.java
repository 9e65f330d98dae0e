package io.hybridge.runtime.unikernel.internal.image;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code WWW-Authenticate} challenge of a registry (RFC 7235): {@code Basic realm="..."} or
 * {@code Bearer realm="https://auth/token",service="registry",scope="repository:x:pull"}, the
 * token flow of the distribution spec.
 *
 * @param scheme lower case: {@code basic} or {@code bearer} (others are kept, and refused)
 * @param params parameter names in lower case, values unquoted
 */
record AuthChallenge(String scheme, Map<String, String> params) {

    AuthChallenge {
        params = Map.copyOf(params);
    }

    boolean isBasic() {
        return scheme.equals("basic");
    }

    boolean isBearer() {
        return scheme.equals("bearer");
    }

    String param(String name) {
        return params.getOrDefault(name, "");
    }

    /**
     * The first challenge of the header. Registries send one; a header with several
     * (comma-separated schemes) yields the first, which is what they prefer.
     */
    static Optional<AuthChallenge> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String text = header.strip();
        int space = text.indexOf(' ');
        String scheme = (space < 0 ? text : text.substring(0, space)).toLowerCase(Locale.ROOT);
        Map<String, String> params = new LinkedHashMap<>();
        int i = space < 0 ? text.length() : space + 1;
        while (i < text.length()) {
            while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == ',')) {
                i++;
            }
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break; // a token68 or a second scheme: nothing more for this challenge
            }
            String name = text.substring(i, eq).strip().toLowerCase(Locale.ROOT);
            if (name.contains(" ")) {
                break; // "Basic realm=..." of a second challenge
            }
            i = eq + 1;
            StringBuilder value = new StringBuilder();
            if (i < text.length() && text.charAt(i) == '"') {
                i++;
                while (i < text.length() && text.charAt(i) != '"') {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < text.length()) {
                        c = text.charAt(i++);
                    }
                    value.append(c);
                }
                i++; // the closing quote
            } else {
                while (i < text.length() && text.charAt(i) != ',') {
                    value.append(text.charAt(i++));
                }
            }
            params.putIfAbsent(name, value.toString().strip());
        }
        return Optional.of(new AuthChallenge(scheme, params));
    }
}

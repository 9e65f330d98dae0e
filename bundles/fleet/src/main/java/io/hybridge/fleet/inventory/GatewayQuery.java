package io.hybridge.fleet.inventory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A selection of gateways by their BIRTH metrics, e.g.
 * {@code model_id=rpi4 and deploy.packages~io.acme.sensor@1.}. Grammar:
 * <pre>
 *   query      := or
 *   or         := and ("or" and)*
 *   and        := unary ("and" unary)*
 *   unary      := "not" unary | "(" or ")" | comparison
 *   comparison := name op value        op: =  !=  ~ (contains)  !~ (does not contain)  ^= (starts with)
 * </pre>
 * Names are metric names plus {@code client_id}, {@code account}, {@code online}; a value is a
 * bare word or a double-quoted string; {@code *} alone matches everything. A missing metric is
 * the empty string. Keywords are case-insensitive. Parse errors name the position (1-based).
 */
public final class GatewayQuery {
    private final String text;
    private final Predicate<Gateway> predicate;

    private GatewayQuery(String text, Predicate<Gateway> predicate) {
        this.text = text;
        this.predicate = predicate;
    }

    /** @throws QuerySyntaxException naming the position and what was expected */
    public static GatewayQuery parse(String text) {
        if (text.trim().equals("*")) {
            return new GatewayQuery(text, g -> true);
        }
        Parser p = new Parser(text);
        Predicate<Gateway> predicate = p.or();
        p.skipSpace();
        if (p.pos < text.length()) {
            throw new QuerySyntaxException(text, p.pos, "expected 'and', 'or' or the end of the query");
        }
        return new GatewayQuery(text, predicate);
    }

    public boolean matches(Gateway gateway) {
        return predicate.test(gateway);
    }

    public String text() {
        return text;
    }

    @Override
    public String toString() {
        return text;
    }

    static String value(Gateway g, String name) {
        return switch (name) {
            case "client_id" -> g.id().clientId();
            case "account" -> g.id().account();
            case "online" -> Boolean.toString(g.online());
            default -> {
                String v = g.metric(name);
                yield v == null ? "" : v;
            }
        };
    }

    private static final class Parser {
        final String s;
        int pos;

        Parser(String s) {
            this.s = s;
        }

        Predicate<Gateway> or() {
            Predicate<Gateway> left = and();
            while (keyword("or")) {
                Predicate<Gateway> l = left;
                Predicate<Gateway> r = and();
                left = g -> l.test(g) || r.test(g);
            }
            return left;
        }

        Predicate<Gateway> and() {
            Predicate<Gateway> left = unary();
            while (keyword("and")) {
                Predicate<Gateway> l = left;
                Predicate<Gateway> r = unary();
                left = g -> l.test(g) && r.test(g);
            }
            return left;
        }

        Predicate<Gateway> unary() {
            if (keyword("not")) {
                Predicate<Gateway> inner = unary();
                return inner.negate();
            }
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == '(') {
                pos++;
                Predicate<Gateway> inner = or();
                skipSpace();
                if (pos >= s.length() || s.charAt(pos) != ')') {
                    throw new QuerySyntaxException(s, pos, "expected ')'");
                }
                pos++;
                return inner;
            }
            return comparison();
        }

        Predicate<Gateway> comparison() {
            skipSpace();
            int start = pos;
            while (pos < s.length() && isNameChar(s.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw new QuerySyntaxException(s, pos, "expected a metric name (letters, digits, '.', '_', '-')");
            }
            String name = s.substring(start, pos);
            skipSpace();
            String op = operator();
            if (op == null) {
                throw new QuerySyntaxException(s, pos, "expected an operator (=, !=, ~, !~, ^=) after '" + name + "'");
            }
            skipSpace();
            String value = value();
            return switch (op) {
                case "=" -> g -> GatewayQuery.value(g, name).equals(value);
                case "!=" -> g -> !GatewayQuery.value(g, name).equals(value);
                case "~" -> g -> GatewayQuery.value(g, name).contains(value);
                case "!~" -> g -> !GatewayQuery.value(g, name).contains(value);
                case "^=" -> g -> GatewayQuery.value(g, name).startsWith(value);
                default -> throw new AssertionError(op);
            };
        }

        String operator() {
            for (String op : List.of("!=", "!~", "^=", "=", "~")) {
                if (s.startsWith(op, pos)) {
                    pos += op.length();
                    return op;
                }
            }
            return null;
        }

        String value() {
            if (pos < s.length() && s.charAt(pos) == '"') {
                int start = pos;
                StringBuilder b = new StringBuilder();
                pos++;
                while (pos < s.length() && s.charAt(pos) != '"') {
                    char c = s.charAt(pos++);
                    if (c == '\\' && pos < s.length()) {
                        c = s.charAt(pos++);
                    }
                    b.append(c);
                }
                if (pos >= s.length()) {
                    throw new QuerySyntaxException(s, start, "unterminated string: add a closing '\"'");
                }
                pos++;
                return b.toString();
            }
            int start = pos;
            while (pos < s.length() && !Character.isWhitespace(s.charAt(pos)) && s.charAt(pos) != '(' && s.charAt(pos) != ')') {
                pos++;
            }
            if (start == pos) {
                throw new QuerySyntaxException(s, pos, "expected a value (a word or a \"quoted string\")");
            }
            return s.substring(start, pos);
        }

        boolean keyword(String word) {
            skipSpace();
            int end = pos + word.length();
            if (end <= s.length() && s.regionMatches(true, pos, word, 0, word.length())
                    && (end == s.length() || Character.isWhitespace(s.charAt(end)) || s.charAt(end) == '(')) {
                pos = end;
                return true;
            }
            return false;
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        static boolean isNameChar(char c) {
            return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
        }
    }

}

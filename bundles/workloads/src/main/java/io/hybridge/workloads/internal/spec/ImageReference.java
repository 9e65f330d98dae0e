package io.hybridge.workloads.internal.spec;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An image reference split by Docker's reference grammar:
 * {@code [host[:port]/]path[:tag][@sha256:<64 lower-case hex>]}.
 *
 * @param registry   host and port, or empty (the engine's default registry)
 * @param repository path components joined by '/', lower case
 * @param tag        the tag, or empty
 * @param digest     {@code sha256:…}, or empty
 */
record ImageReference(String registry, String repository, String tag, String digest) {

    static final String FORM = "[host[:port]/]path[:tag][@sha256:<64 hex>],"
            + " e.g. registry.local:5000/hybridge/vision:1.0";

    private static final Pattern DOMAIN_COMPONENT = Pattern.compile("[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?");
    private static final Pattern PATH_COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final int LONGEST_NAME = 255;

    /** @throws IllegalArgumentException saying which part is wrong (without the whole reference) */
    static ImageReference parse(String reference) {
        if (reference.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        String rest = reference;
        String digest = "";
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!DIGEST.matcher(digest).matches()) {
                throw new IllegalArgumentException("the digest \"" + digest + "\" is not sha256: and 64 lower-case hex digits");
            }
        }
        String tag = "";
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("the tag \"" + tag + "\" is not 1–128 letters, digits, '_', '.'"
                        + " and '-', starting with a letter, digit or '_'");
            }
        }
        if (rest.length() > LONGEST_NAME) {
            throw new IllegalArgumentException("the name is longer than " + LONGEST_NAME + " characters");
        }
        String registry = "";
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash >= 0 && isRegistry(rest.substring(0, slash))) {
            registry = rest.substring(0, slash);
            path = rest.substring(slash + 1);
            checkRegistry(registry);
        }
        for (String component : path.split("/", -1)) {
            checkPathComponent(component);
        }
        return new ImageReference(registry, path, tag, digest);
    }

    /** Docker's rule: a first component with '.' or ':', or {@code localhost}, or upper case, is a registry. */
    private static boolean isRegistry(String first) {
        return first.contains(".") || first.contains(":") || first.equals("localhost")
                || !first.equals(first.toLowerCase(Locale.ROOT));
    }

    private static void checkRegistry(String registry) {
        String host = registry;
        int colon = registry.lastIndexOf(':');
        if (colon >= 0) {
            host = registry.substring(0, colon);
            String port = registry.substring(colon + 1);
            if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535) {
                throw new IllegalArgumentException("the registry port \"" + port + "\" is not 1–65535");
            }
        }
        for (String component : host.split("\\.", -1)) {
            if (!DOMAIN_COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("the registry host \"" + host + "\" is not a host name or IPv4 address");
            }
        }
    }

    private static void checkPathComponent(String component) {
        if (component.isEmpty()) {
            throw new IllegalArgumentException("a path component is empty");
        }
        if (!component.equals(component.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("the path component \"" + component + "\" has upper-case letters");
        }
        if (!PATH_COMPONENT.matcher(component).matches()) {
            throw new IllegalArgumentException("the path component \"" + component + "\" is not lower-case letters"
                    + " and digits separated by '.', '_', '__' or '-'");
        }
    }
}

package io.hybridge.runtime.unikernel.internal.image;

import java.util.regex.Pattern;

/**
 * A unikernel image reference taken apart the way OCI registries read it:
 * {@code [registry/]repository[:tag][@sha256:<hex>]}. The first path component is a registry
 * host only when it contains a '.' or a ':' or is {@code localhost}; otherwise the reference
 * names no registry and is looked up in the cache, or in the configured default registry —
 * never in a public one.
 *
 * @param registry   {@code host[:port]}, or empty when the reference names none
 * @param repository the path below the registry, e.g. {@code hybridge/telemetry}
 * @param tag        the tag, or empty ({@code latest} unless a digest is given)
 * @param digest     {@code sha256:<64 hex>}, or empty
 */
record ImageReference(String registry, String repository, String tag, String digest) {

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\\[[0-9a-fA-F:]+\\](?::[0-9]{1,5})?");

    /** @throws IllegalArgumentException naming what is wrong and what would be right */
    static ImageReference parse(String reference) {
        if (reference == null || reference.isBlank()) {
            throw new IllegalArgumentException("empty image reference; use [registry/]repository[:tag][@sha256:<64 hex>]");
        }
        String rest = reference.strip();
        String digest = "";
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
            if (!Digest.isValid(digest)) {
                throw new IllegalArgumentException("'" + reference + "': digest '" + digest
                        + "' is not sha256:<64 lower-case hex digits>");
            }
        }
        String registry = "";
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                if (!HOST.matcher(first).matches()) {
                    throw new IllegalArgumentException("'" + reference + "': '" + first + "' is not a registry host[:port]");
                }
                registry = first.toLowerCase(java.util.Locale.ROOT);
                rest = rest.substring(slash + 1);
            }
        }
        String tag = "";
        int colon = rest.lastIndexOf(':');
        if (colon >= 0) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
            if (!TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("'" + reference + "': tag '" + tag
                        + "' is not valid; use letters, digits, '_', '.' and '-' (at most 128, not starting with '.' or '-')");
            }
        }
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("'" + reference + "' names no repository");
        }
        for (String component : rest.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw new IllegalArgumentException("'" + reference + "': repository '" + rest
                        + "' must be lower-case path components of letters and digits separated by '.', '_' or '-'");
            }
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    boolean hasRegistry() {
        return !registry.isEmpty();
    }

    boolean pinned() {
        return !digest.isEmpty();
    }

    /** The tag to look up: the given one, or {@code latest}. */
    String tagOrLatest() {
        return tag.isEmpty() ? "latest" : tag;
    }

    /** What the registry's manifest endpoint is asked for: the digest if pinned, else the tag. */
    String manifestReference() {
        return pinned() ? digest : tagOrLatest();
    }

    /** {@code [registry/]repository}. */
    String name() {
        return hasRegistry() ? registry + "/" + repository : repository;
    }

    /** The same image in another registry (the default registry, for a reference that names none). */
    ImageReference inRegistry(String host) {
        return new ImageReference(host, repository, tag, digest);
    }

    /** The canonical text: name, tag if any, digest if any — the key of the refs file. */
    @Override
    public String toString() {
        return name() + (tag.isEmpty() ? "" : ":" + tag) + (digest.isEmpty() ? "" : "@" + digest);
    }
}

package io.hybridge.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * The part of an OSGi Feature document (Feature Service spec, JSON) the launcher needs:
 * the feature id and its bundles with their {@code start-order}. The full document
 * (configurations, extensions) stays for the tools that install features; the launcher
 * reads it with the streaming parser to keep start-up lean.
 */
record FeatureDocument(String id, List<BundleRef> bundles) {

    /** A bundle entry: Maven coordinates {@code groupId:artifactId[:type[:classifier]]:version}. */
    record BundleRef(String groupId, String artifactId, String version, String classifier, int startOrder) {

        static BundleRef parse(String id, int startOrder, Path source) {
            String[] parts = id.split(":");
            if (parts.length < 3 || parts.length > 5) {
                throw new IllegalArgumentException(source + ": bundle id '" + id
                        + "' is not Maven coordinates groupId:artifactId[:type[:classifier]]:version");
            }
            String classifier = parts.length == 5 ? parts[3] : null;
            return new BundleRef(parts[0], parts[1], parts[parts.length - 1], classifier, startOrder);
        }

        /** Where the distribution keeps the jar: Maven repository layout under {@code bundles/}. */
        String path() {
            return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/"
                    + artifactId + "-" + version + (classifier == null ? "" : "-" + classifier) + ".jar";
        }

        /** The bundle location: stable across versions, so a newer jar updates the bundle in place. */
        String location() {
            return "feature:" + groupId + ":" + artifactId + (classifier == null ? "" : ":" + classifier);
        }
    }

    static FeatureDocument read(Path file) throws IOException {
        String id = null;
        List<BundleRef> bundles = new ArrayList<>();
        try (JsonParser parser = new JsonFactory().createParser(file.toFile())) {
            expect(parser.nextToken(), JsonToken.START_OBJECT, file);
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("id".equals(field)) {
                    id = parser.getValueAsString();
                } else if ("bundles".equals(field)) {
                    expect(value, JsonToken.START_ARRAY, file);
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        bundles.add(readBundle(parser, file));
                    }
                } else {
                    parser.skipChildren();
                }
            }
        }
        if (id == null) {
            throw new IOException(file + ": a feature document needs an \"id\"");
        }
        return new FeatureDocument(id, List.copyOf(bundles));
    }

    private static BundleRef readBundle(JsonParser parser, Path file) throws IOException {
        if (parser.currentToken() == JsonToken.VALUE_STRING) {
            return BundleRef.parse(parser.getText(), 0, file);
        }
        expect(parser.currentToken(), JsonToken.START_OBJECT, file);
        String id = null;
        int startOrder = 0;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            if ("id".equals(field)) {
                id = parser.getValueAsString();
            } else if ("start-order".equals(field)) {
                startOrder = parser.getValueAsInt();
            } else {
                parser.skipChildren();
            }
        }
        if (id == null) {
            throw new IOException(file + ": a bundle entry needs an \"id\" (line "
                    + parser.currentLocation().getLineNr() + ")");
        }
        return BundleRef.parse(id, startOrder, file);
    }

    private static void expect(JsonToken actual, JsonToken expected, Path file) throws IOException {
        if (actual != expected) {
            throw new IOException(file + ": expected " + expected + " but found " + actual);
        }
    }
}

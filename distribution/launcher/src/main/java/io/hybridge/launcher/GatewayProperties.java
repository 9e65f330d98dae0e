package io.hybridge.launcher;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The framework properties of one installation: {@code etc/framework.properties} with
 * {@code ${name}} placeholders resolved, the installation's own paths, and the
 * environment variables an operator uses to set a gateway up without editing files.
 */
final class GatewayProperties {

    /** Environment variables that map onto framework properties (the env wins over the file). */
    static final Map<String, String> ENVIRONMENT = Map.of(
            "HYBRIDGE_HTTP_PORT", "org.osgi.service.http.port",
            "HYBRIDGE_HTTP_HOST", "org.apache.felix.http.host",
            "HYBRIDGE_MQTT_PORT", "hybridge.mqtt.port",
            "HYBRIDGE_FEATURES", "hybridge.features",
            "HYBRIDGE_DEVICE_PROFILE", "hybridge.device.profile");

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    private final Path home;
    private final Map<String, String> properties;

    private GatewayProperties(Path home, Map<String, String> properties) {
        this.home = home;
        this.properties = properties;
    }

    static GatewayProperties load(Path home, Map<String, String> env) throws IOException {
        return load(home, home, env);
    }

    /**
     * @param home     the installation: its state ({@code var/}), {@code deploy/} and the
     *                 operator's {@code etc/} (initial configuration, device profiles)
     * @param slotHome where the running Hybridge version lives ({@code etc/framework.properties},
     *                 {@code etc/features/}, {@code bundles/}): the installation itself for the
     *                 factory slot, {@code var/slots/<id>} after a self-update
     */
    static GatewayProperties load(Path home, Path slotHome, Map<String, String> env) throws IOException {
        Map<String, String> raw = new LinkedHashMap<>();
        raw.put("hybridge.home", home.toString());
        raw.put("hybridge.etc", home.resolve("etc").toString());
        raw.put("hybridge.var", home.resolve("var").toString());
        raw.put("hybridge.data", home.resolve("var/data").toString());
        raw.put("hybridge.deploy", home.resolve("deploy").toString());
        raw.put("org.osgi.framework.storage", home.resolve("var/cache").toString());
        raw.put("hybridge.slot.home", slotHome.toString());
        raw.put("hybridge.selfupdate.dir", home.resolve("var/slots").toString());

        Path file = slotHome.resolve("etc/framework.properties");
        if (!Files.isRegularFile(file)) {
            throw new IOException("missing " + file + ": is " + home + " a Hybridge installation?");
        }
        Properties fromFile = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            fromFile.load(reader);
        }
        fromFile.stringPropertyNames().forEach(name -> raw.put(name, fromFile.getProperty(name).trim()));

        for (Map.Entry<String, String> mapping : ENVIRONMENT.entrySet()) {
            String value = env.get(mapping.getKey());
            if (value != null && !value.isBlank()) {
                raw.put(mapping.getValue(), value.trim());
            }
        }
        // -Dname=value on the command line is the last word, as with any Java program
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> raw.containsKey(name) || name.startsWith("hybridge.") || name.startsWith("felix."))
                .forEach(name -> raw.put(name, System.getProperty(name)));

        Map<String, String> resolved = new LinkedHashMap<>();
        raw.forEach((name, value) -> resolved.put(name, resolve(value, raw, 0)));
        validatePort(resolved, "org.osgi.service.http.port", "HYBRIDGE_HTTP_PORT");
        validatePort(resolved, "hybridge.mqtt.port", "HYBRIDGE_MQTT_PORT");
        return new GatewayProperties(home, resolved);
    }

    private static String resolve(String value, Map<String, String> raw, int depth) {
        if (depth > 10) {
            throw new IllegalArgumentException("placeholders nest too deeply (a cycle?) in: " + value);
        }
        Matcher matcher = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String name = matcher.group(1);
            String replacement = raw.containsKey(name) ? resolve(raw.get(name), raw, depth + 1)
                    : System.getProperty(name, "");
            matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static void validatePort(Map<String, String> props, String name, String env) {
        String value = props.get(name);
        if (value == null) {
            return;
        }
        try {
            int port = Integer.parseInt(value);
            if (port >= 0 && port <= 65535) {
                return;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(name + " (" + env + ") is '" + value
                + "': expected a TCP port number between 0 and 65535");
    }

    Path home() {
        return home;
    }

    Map<String, String> asMap() {
        return properties;
    }

    String get(String name, String fallback) {
        return properties.getOrDefault(name, fallback);
    }

    /** The feature documents to run, e.g. {@code core,console}. */
    List<String> features() {
        List<String> names = new ArrayList<>();
        for (String name : get("hybridge.features", "core").split(",")) {
            if (!name.isBlank()) {
                names.add(name.trim());
            }
        }
        return names;
    }
}

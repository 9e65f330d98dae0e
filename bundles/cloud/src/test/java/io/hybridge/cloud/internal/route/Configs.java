package io.hybridge.cloud.internal.route;

import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * Makes a component property type from a map, the way DS would: {@code local_topic()} reads key
 * {@code local.topic}, a missing key gives the annotation's default, and a string is converted to
 * the method's number type when read (as from a {@code .cfg} file), failing when it is not one.
 */
final class Configs {

    private Configs() {
    }

    static RouteConfig route(Map<String, ?> properties) {
        return of(RouteConfig.class, properties);
    }

    /** A route configuration: the PID and the given key/value pairs. */
    static Map<String, Object> properties(String pid, Object... keysAndValues) {
        Map<String, Object> properties = new HashMap<>();
        properties.put("service.pid", pid);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            properties.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return properties;
    }

    static <A> A of(Class<A> type, Map<String, ?> properties) {
        Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
            switch (method.getName()) {
                case "annotationType":
                    return type;
                case "toString":
                    return type.getSimpleName() + properties;
                case "hashCode":
                    return properties.hashCode();
                case "equals":
                    return self == args[0];
                default:
                    break;
            }
            String key = method.getName().replace('_', '.');
            Object value = properties.containsKey(key) ? properties.get(key) : method.getDefaultValue();
            Class<?> returns = method.getReturnType();
            if (value instanceof String text && returns != String.class) {
                String trimmed = text.trim();
                return returns == int.class ? (Object) Integer.parseInt(trimmed) : (Object) Double.parseDouble(trimmed);
            }
            if (value instanceof Number number && returns == double.class) {
                return number.doubleValue();
            }
            return value;
        });
        return type.cast(proxy);
    }
}

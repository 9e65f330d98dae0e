package io.hybridge.broker.internal;

import java.lang.reflect.Proxy;
import java.util.Map;

/**
 * Makes an instance of a component property type from a map, the way DS would: a method
 * {@code allow_anonymous()} reads key {@code allow.anonymous}, a missing key gives the
 * annotation's default.
 */
final class Configs {

    private Configs() {
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
            if (value == null && method.getReturnType().isPrimitive()) {
                return method.getReturnType() == boolean.class ? Boolean.FALSE : (Object) 0;
            }
            return value;
        });
        return type.cast(proxy);
    }
}

package io.hybridge.broker.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.moquette.interception.AbstractInterceptHandler;
import io.moquette.interception.messages.InterceptConnectMessage;
import io.moquette.interception.messages.InterceptConnectionLostMessage;
import io.moquette.interception.messages.InterceptDisconnectMessage;

/**
 * Which username each connected client logged in with. Moquette itself does not say, and the
 * broker needs it to disconnect the clients of an account that was changed or deleted.
 * Moquette reports connects and disconnects on its interceptor thread, in order.
 */
final class ConnectedClients extends AbstractInterceptHandler {

    private static final String ANONYMOUS = "";

    private final Map<String, String> usernameByClientId = new ConcurrentHashMap<>();

    @Override
    public String getID() {
        return "hybridge-connected-clients";
    }

    @Override
    public Class<?>[] getInterceptedMessageTypes() {
        // not publishes: Moquette would copy every message for this handler
        return new Class<?>[] {InterceptConnectMessage.class, InterceptDisconnectMessage.class,
            InterceptConnectionLostMessage.class};
    }

    @Override
    public void onConnect(InterceptConnectMessage message) {
        usernameByClientId.put(message.getClientID(), Objects.requireNonNullElse(message.getUsername(), ANONYMOUS));
    }

    @Override
    public void onDisconnect(InterceptDisconnectMessage message) {
        usernameByClientId.remove(message.getClientID());
    }

    @Override
    public void onConnectionLost(InterceptConnectionLostMessage message) {
        usernameByClientId.remove(message.getClientID());
    }

    @Override
    public void onSessionLoopError(Throwable error) {
        // not asked for (see getInterceptedMessageTypes); SessionLoopWatch handles these
    }

    List<String> clientIdsOf(String username) {
        return usernameByClientId.entrySet().stream()
                .filter(entry -> entry.getValue().equals(username))
                .map(Map.Entry::getKey)
                .collect(Collectors.toList());
    }

    void clear() {
        usernameByClientId.clear();
    }
}

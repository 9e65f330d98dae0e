package io.hybridge.fleet.inventory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.hybridge.api.cloud.KuraPayload;
import io.hybridge.fleet.wire.EdcTopic;

/**
 * The fleet as seen through lifecycle messages: BIRTH makes a gateway known and online with its
 * metrics, DC and LWT make it offline. BIRTH is not retained (Kura does not retain it), so a
 * manager that starts after its gateways learns of them from the store, where every change is
 * written, or at their next BIRTH.
 */
public final class Inventory {
    private final Map<GatewayId, Gateway> gateways = new ConcurrentHashMap<>();
    private final List<Consumer<Gateway>> listeners = new CopyOnWriteArrayList<>();

    public void addListener(Consumer<Gateway> listener) {
        listeners.add(listener);
    }

    /** Seeds the inventory, e.g. from the store at start; no listener is told. */
    public void load(Collection<Gateway> known) {
        known.forEach(g -> gateways.put(g.id(), g));
    }

    /** Feeds one lifecycle message; anything else is ignored. */
    public void onMessage(EdcTopic topic, KuraPayload payload) {
        if (!"MQTT".equals(topic.app()) || topic.rest().size() != 1) {
            return;
        }
        GatewayId id;
        try {
            id = new GatewayId(topic.account(), topic.clientId());
        } catch (IllegalArgumentException e) {
            return;
        }
        long now = System.currentTimeMillis();
        Gateway updated;
        switch (topic.rest().get(0)) {
            case "BIRTH" -> {
                Map<String, String> metrics = new LinkedHashMap<>();
                payload.metrics().forEach((k, v) -> metrics.put(k, v instanceof byte[] ? "" : String.valueOf(v)));
                updated = new Gateway(id, true, now, metrics);
            }
            case "DC", "LWT" -> {
                Gateway known = gateways.get(id);
                updated = known == null ? new Gateway(id, false, now, Map.of()) : known.withOnline(false, now);
            }
            default -> {
                return;
            }
        }
        gateways.put(id, updated);
        listeners.forEach(l -> l.accept(updated));
    }

    public Optional<Gateway> get(GatewayId id) {
        return Optional.ofNullable(gateways.get(id));
    }

    public List<Gateway> all() {
        List<Gateway> list = new ArrayList<>(gateways.values());
        list.sort((a, b) -> a.id().compareTo(b.id()));
        return list;
    }

    public List<Gateway> select(GatewayQuery query) {
        return all().stream().filter(query::matches).toList();
    }

    public int size() {
        return gateways.size();
    }
}

package io.hybridge.cloud.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks FIFO order for messages whose topic is {@code <producer>/<n>}: within one producer and
 * one priority, n must grow in delivery order; across priorities, ids must grow.
 */
final class ProducerOrder {

    private ProducerOrder() {
    }

    static void assertFifoPerProducerAndPriority(List<StoredMessage> inDeliveryOrder) {
        Map<String, Integer> last = new HashMap<>();
        long previousId = Long.MIN_VALUE;
        for (StoredMessage m : inDeliveryOrder) {
            assertThat(m.id()).as("delivery order").isGreaterThan(previousId);
            previousId = m.id();
            String topic = m.message().topic();
            int slash = topic.lastIndexOf('/');
            String stream = topic.substring(0, slash) + "@" + m.message().priority();
            int n = Integer.parseInt(topic.substring(slash + 1));
            Integer before = last.put(stream, n);
            if (before != null) {
                assertThat(n).as("FIFO within %s", stream).isGreaterThan(before);
            }
        }
    }
}

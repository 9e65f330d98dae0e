package io.hybridge.cloud.internal.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The on-disk form of a message (the priority lives in the key).
 *
 * <pre>
 * byte    format (1)
 * byte    flags: bit 0 retain
 * byte    qos
 * long    createdAt, epoch millis
 * int     topic length, then topic in UTF-8
 * rest    payload
 * </pre>
 *
 * A leading format byte so a later release can change the layout and still read old queues.
 */
final class MessageCodec {

    static final byte FORMAT = 1;
    private static final int HEADER = 1 + 1 + 1 + 8 + 4;

    private MessageCodec() {
    }

    static byte[] encode(OutgoingMessage m) {
        byte[] topic = m.topic().getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(HEADER + topic.length + m.payloadLength());
        b.put(FORMAT).put((byte) (m.retain() ? 1 : 0)).put((byte) m.qos()).putLong(m.createdAt().toEpochMilli());
        b.putInt(topic.length).put(topic).put(m.payloadUnsafe());
        return b.array();
    }

    static OutgoingMessage decode(long key, byte[] record) {
        ByteBuffer b = ByteBuffer.wrap(record);
        byte format = b.get();
        if (format != FORMAT) {
            throw new CorruptRecordException("message " + key + " has record format " + format
                    + "; this release reads format " + FORMAT);
        }
        boolean retain = (b.get() & 1) != 0;
        int qos = b.get();
        Instant createdAt = Instant.ofEpochMilli(b.getLong());
        int topicLength = b.getInt();
        if (topicLength < 0 || topicLength > b.remaining()) {
            throw new CorruptRecordException("message " + key + " has a topic length of " + topicLength
                    + " in a record of " + record.length + " bytes");
        }
        String topic = new String(record, b.position(), topicLength, StandardCharsets.UTF_8);
        b.position(b.position() + topicLength);
        byte[] payload = new byte[b.remaining()];
        b.get(payload);
        return new OutgoingMessage(topic, payload, qos, retain, MessageKey.priority(key), createdAt);
    }

    /** Reads only the creation time, for the oldest-message age in the statistics. */
    static Instant createdAt(byte[] record) {
        return Instant.ofEpochMilli(ByteBuffer.wrap(record).getLong(3));
    }

    static final class CorruptRecordException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CorruptRecordException(String message) {
            super(message);
        }
    }
}

package io.streamlearn.scorer.topology;

import java.nio.ByteBuffer;

/**
 * A valid input record waiting for the first model, as kept in the held-records store: where it came from
 * (for lineage), its timestamp and its raw key and value.
 */
record HeldRecord(int partition, long offset, long timestampMs, byte[] key, byte[] value) {
    private static final int ABSENT = -1;

    byte[] encode() {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 8 + 8 + 4 + length(key) + 4 + length(value));
        buffer.putInt(partition).putLong(offset).putLong(timestampMs);
        putBytes(buffer, key);
        putBytes(buffer, value);
        return buffer.array();
    }

    static HeldRecord decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return new HeldRecord(buffer.getInt(), buffer.getLong(), buffer.getLong(), getBytes(buffer), getBytes(buffer));
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private static void putBytes(ByteBuffer buffer, byte[] bytes) {
        buffer.putInt(bytes == null ? ABSENT : bytes.length);
        if (bytes != null) {
            buffer.put(bytes);
        }
    }

    private static byte[] getBytes(ByteBuffer buffer) {
        int length = buffer.getInt();
        if (length == ABSENT) {
            return null;
        }
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }
}

package io.streamlearn.scorer.topology;

import java.nio.ByteBuffer;

/**
 * A valid input record waiting in the batch buffer for its inference call, as kept in the buffer store: where it
 * came from (for lineage), its timestamp and its raw value.
 */
record BufferedRecord(int partition, long offset, long timestampMs, byte[] value) {
    byte[] encode() {
        return ByteBuffer.allocate(4 + 8 + 8 + value.length).putInt(partition).putLong(offset).putLong(timestampMs)
                .put(value).array();
    }

    static BufferedRecord decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        int partition = buffer.getInt();
        long offset = buffer.getLong();
        long timestampMs = buffer.getLong();
        byte[] value = new byte[buffer.remaining()];
        buffer.get(value);
        return new BufferedRecord(partition, offset, timestampMs, value);
    }
}

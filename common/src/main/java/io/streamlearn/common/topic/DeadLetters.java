package io.streamlearn.common.topic;

import com.google.protobuf.ByteString;
import io.streamlearn.common.wire.DeadLetter;

/** Builds the dead-letter record for a Kafka record a service could not process. */
public final class DeadLetters {
    private DeadLetters() {
    }

    public static DeadLetter of(String service, String topic, int partition, long offset, String reason,
                                byte[] key, byte[] value, long timestampMs) {
        return DeadLetter.newBuilder()
                .setService(service)
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setReason(reason)
                .setKey(key == null ? ByteString.EMPTY : ByteString.copyFrom(key))
                .setValue(value == null ? ByteString.EMPTY : ByteString.copyFrom(value))
                .setTimestampMs(timestampMs)
                .build();
    }
}

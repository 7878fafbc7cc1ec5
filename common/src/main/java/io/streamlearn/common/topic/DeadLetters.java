package io.streamlearn.common.topic;

import com.google.protobuf.ByteString;
import io.streamlearn.common.wire.DeadLetter;

/**
 * Builds the dead-letter record for a Kafka record a service could not process. Its reason is
 * {@code "<code>: <detail>"}: the code is the bounded label of the service's dead-letter metric.
 */
public final class DeadLetters {
    private DeadLetters() {
    }

    public static DeadLetter of(String service, String topic, int partition, long offset, String code,
                                String detail, byte[] key, byte[] value, long timestampMs) {
        return DeadLetter.newBuilder()
                .setService(service)
                .setTopic(topic)
                .setPartition(partition)
                .setOffset(offset)
                .setReason(code + ": " + detail)
                .setKey(key == null ? ByteString.EMPTY : ByteString.copyFrom(key))
                .setValue(value == null ? ByteString.EMPTY : ByteString.copyFrom(value))
                .setTimestampMs(timestampMs)
                .build();
    }
}

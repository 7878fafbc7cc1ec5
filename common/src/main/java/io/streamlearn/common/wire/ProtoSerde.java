package io.streamlearn.common.wire;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka serde for one generated protobuf message type. Deserialization failures surface as Kafka's
 * {@link SerializationException} naming the topic; services that route bad records to the dead-letter
 * topic read raw bytes and call {@link #decode(byte[])} themselves instead.
 */
public final class ProtoSerde<T extends MessageLite> implements Serde<T> {
    private final Parser<T> parser;

    private ProtoSerde(Parser<T> parser) {
        this.parser = parser;
    }

    public static <T extends MessageLite> ProtoSerde<T> of(Parser<T> parser) {
        return new ProtoSerde<>(parser);
    }

    /** Decodes one value; an empty or null payload is rejected because every message has an id. */
    public T decode(byte[] bytes) throws InvalidProtocolBufferException {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidProtocolBufferException("empty payload");
        }
        return parser.parseFrom(bytes);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> data == null ? null : data.toByteArray();
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                return decode(bytes);
            } catch (InvalidProtocolBufferException e) {
                throw new SerializationException("cannot decode record from topic " + topic + ": " + e.getMessage(), e);
            }
        };
    }
}

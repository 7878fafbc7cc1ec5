package io.streamlearn.common.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.ProtoSerde;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the compacted models topic from its beginning to its current end and returns the highest version of
 * one model: how a restarting trainer continues its version numbers and how the launcher fetches the final model.
 */
public final class LatestSnapshot {
    private LatestSnapshot() {
    }

    public static Optional<ModelSnapshot> read(KafkaSettings kafka, String modelName, Duration timeout) {
        Properties props = KafkaClients.consumer(kafka, "streamlearn-latest-snapshot-" + modelName, null);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(Topics.MAX_SNAPSHOT_RECORD_BYTES));
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MODELS.name(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            ModelSnapshot latest = null;
            while (!reached(consumer, end, timeout)) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("could not read " + Topics.MODELS + " to its end " + end + " within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (modelName.equals(r.key()) && r.value() != null) {
                        ModelSnapshot s = decode(r);
                        if (latest == null || s.getVersion() > latest.getVersion()) {
                            latest = s;
                        }
                    }
                }
            }
            return Optional.ofNullable(latest);
        }
    }

    private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end,
                                   Duration timeout) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey(), timeout) >= e.getValue());
    }

    private static ModelSnapshot decode(ConsumerRecord<String, byte[]> r) {
        try {
            return ((ProtoSerde<ModelSnapshot>) Topics.MODELS.valueSerde()).decode(r.value());
        } catch (InvalidProtocolBufferException e) {
            throw new KafkaException("undecodable snapshot on " + r.topic() + "-" + r.partition() + "@" + r.offset(), e);
        }
    }
}

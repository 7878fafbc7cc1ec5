package io.streamlearn.trainer.service;

import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.ProtoSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the highest published version of a model by reading the models topic from its beginning to its end. */
final class PublishedVersions {
    private static final Logger log = LoggerFactory.getLogger(PublishedVersions.class);
    private static final ProtoSerde<ModelSnapshot> SERDE = (ProtoSerde<ModelSnapshot>) Topics.MODELS.valueSerde();

    private PublishedVersions() {
    }

    /** 0 when the model was never published. */
    static long latest(KafkaSettings kafka, String modelName, Duration timeout) {
        Properties props = KafkaClients.consumer(kafka, "streamlearn-trainer-" + modelName + "-versions", null);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.MODELS.name(), timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            byte[] key = modelName.getBytes(StandardCharsets.UTF_8);
            long latest = 0;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end, timeout)) {
                if (System.nanoTime() > deadline) {
                    throw new KafkaException("could not read " + Topics.MODELS + " to its end " + end + " within " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (Arrays.equals(key, r.key())) {
                        latest = Math.max(latest, version(r));
                    }
                }
            }
            log.info("model {}: latest published version is {} ({} read to offsets {})", modelName, latest,
                    Topics.MODELS, end);
            return latest;
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end, Duration timeout) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey(), timeout) >= e.getValue());
    }

    private static long version(ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return 0; // a tombstone deletes the model's entry; versions still only grow
        }
        try {
            return SERDE.decode(r.value()).getVersion();
        } catch (InvalidProtocolBufferException e) {
            throw new KafkaException("undecodable snapshot on " + r.topic() + "-" + r.partition() + "@" + r.offset()
                    + ": cannot tell the latest version of the model", e);
        }
    }
}

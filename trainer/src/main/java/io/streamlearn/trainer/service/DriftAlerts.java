package io.streamlearn.trainer.service;

import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.DriftAlert;
import io.streamlearn.common.wire.ProtoSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The drift alerts of one model, read without a consumer group from the end of the drift-alerts topic as it was at
 * {@link #start}: an alert is about the stream now, so a restarted trainer does not replay old ones. {@link #poll}
 * never blocks, so the training loop can ask between batches. Not thread-safe (the training thread owns it).
 */
final class DriftAlerts implements AutoCloseable {
    private static final ProtoSerde<DriftAlert> SERDE = (ProtoSerde<DriftAlert>) Topics.DRIFT_ALERTS.valueSerde();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String modelName;

    DriftAlerts(KafkaSettings kafka, String modelName) {
        Properties p = KafkaClients.consumer(kafka, "streamlearn-trainer-" + modelName + "-drift-alerts", null);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        this.consumer = new KafkaConsumer<>(p);
        this.modelName = modelName;
    }

    /** Assigns every partition at its current end (resolved now, so that no alert after the start is missed). */
    void start(Duration timeout) {
        List<TopicPartition> partitions = consumer.partitionsFor(Topics.DRIFT_ALERTS.name(), timeout).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(tp -> consumer.position(tp, timeout));
    }

    /** The alerts about this model that arrived since the last call; undecodable records go to {@code unreadable}. */
    List<DriftAlert> poll(Consumer<ConsumerRecord<byte[], byte[]>> unreadable) {
        List<DriftAlert> alerts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ZERO)) {
            DriftAlert alert;
            try {
                alert = SERDE.decode(r.value());
            } catch (InvalidProtocolBufferException e) {
                unreadable.accept(r);
                continue;
            }
            if (modelName.equals(alert.getModelName())) {
                alerts.add(alert);
            }
        }
        return alerts;
    }

    @Override
    public void close() {
        consumer.close();
    }
}

package io.streamlearn.scorer.testing;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Prediction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the predictions topic from the beginning with a read_committed consumer (what the pipeline's consumers
 * see under exactly-once), keeping every record, duplicates included, in partition-offset order per partition.
 */
public final class CommittedPredictions implements AutoCloseable {
    private final KafkaConsumer<String, Prediction> consumer;
    private final List<ConsumerRecord<String, Prediction>> records = new ArrayList<>();
    private final Set<String> ids = new HashSet<>();

    public CommittedPredictions(KafkaSettings kafka, String clientId) {
        consumer = new KafkaConsumer<>(KafkaClients.consumer(kafka, clientId, null), new StringDeserializer(),
                Topics.PREDICTIONS.valueSerde().deserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        consumer.partitionsFor(Topics.PREDICTIONS.name())
                .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Polls once; returns the records that passed {@code filter}. */
    public List<ConsumerRecord<String, Prediction>> poll(Predicate<Prediction> filter) {
        List<ConsumerRecord<String, Prediction>> kept = new ArrayList<>();
        for (ConsumerRecord<String, Prediction> record : consumer.poll(Duration.ofMillis(100))) {
            if (filter.test(record.value())) {
                records.add(record);
                ids.add(record.value().getId());
                kept.add(record);
            }
        }
        return kept;
    }

    /**
     * Reads until {@code expectedIds} distinct ids passed {@code filter}, then {@code quiet} longer to catch
     * duplicates; returns all records read so far (or what arrived before {@code timeout}).
     */
    public List<ConsumerRecord<String, Prediction>> readUntil(int expectedIds, Predicate<Prediction> filter,
                                                              Duration timeout, Duration quiet) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long quietUntil = Long.MAX_VALUE;
        while (System.nanoTime() < Math.min(deadline, quietUntil)) {
            poll(filter);
            if (ids.size() >= expectedIds && quietUntil == Long.MAX_VALUE) {
                quietUntil = System.nanoTime() + quiet.toNanos();
            }
        }
        return List.copyOf(records);
    }

    public int distinctIds() {
        return ids.size();
    }

    @Override
    public void close() {
        consumer.close();
    }
}

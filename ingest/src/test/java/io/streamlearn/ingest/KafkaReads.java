package io.streamlearn.ingest;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Test helper: what the topics hold, read with a plain consumer (no group). */
public final class KafkaReads {
    private KafkaReads() {
    }

    private static KafkaConsumer<String, byte[]> consumer(KafkaSettings kafka) {
        return new KafkaConsumer<>(KafkaClients.consumer(kafka, "ingest-test-reader", null), new StringDeserializer(),
                new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, Topic<?, ?> topic) {
        return c.partitionsFor(topic.name()).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    }

    /** The end offset of every partition of the topics. */
    public static Map<TopicPartition, Long> endOffsets(KafkaSettings kafka, List<? extends Topic<?, ?>> topics) {
        try (KafkaConsumer<String, byte[]> c = consumer(kafka)) {
            List<TopicPartition> all = new ArrayList<>();
            topics.forEach(t -> all.addAll(partitions(c, t)));
            return new HashMap<>(c.endOffsets(all));
        }
    }

    /** Records of the topic after {@code from} (partition → offset; absent: from the start) up to its current end. */
    public static List<ConsumerRecord<String, byte[]>> read(KafkaSettings kafka, Topic<?, ?> topic,
                                                            Map<TopicPartition, Long> from) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = consumer(kafka)) {
            List<TopicPartition> partitions = partitions(c, topic);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            c.assign(partitions);
            for (TopicPartition p : partitions) {
                c.seek(p, from.getOrDefault(p, 0L));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " up to " + end + " within 30 s");
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        out.add(r);
                    }
                }
            }
        }
        return out;
    }

    /** Every record of the topic up to its current end. */
    public static List<ConsumerRecord<String, byte[]>> readAll(KafkaSettings kafka, Topic<?, ?> topic) {
        return read(kafka, topic, Map.of());
    }
}

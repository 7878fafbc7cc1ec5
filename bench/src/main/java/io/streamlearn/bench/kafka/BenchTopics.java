package io.streamlearn.bench.kafka;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topic;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Topic chores between the benchmark's phases: end offsets, and emptying input topics (deleteRecords up to
 * their end) so that the next application, starting from the earliest offset, sees only its own load.
 */
public final class BenchTopics {
    /** Where the memory run's pass-through peer writes, so that monitoring never reads its copies. */
    public static final Topic<byte[], byte[]> PASS_THROUGH_OUT = new Topic<>("bench-pass-through",
            Serdes.ByteArray(), Serdes.ByteArray(), Map.of());

    private BenchTopics() {
    }

    public static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) {
        return offsets(admin, topic, OffsetSpec.latest());
    }

    public static Map<TopicPartition, Long> startOffsets(Admin admin, String topic) {
        return offsets(admin, topic, OffsetSpec.earliest());
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, String topic, OffsetSpec spec) {
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            d.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), spec));
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
            return end;
        } catch (ExecutionException e) {
            throw new KafkaException("cannot read the offsets of " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while reading the offsets of " + topic, e);
        }
    }

    /** Deletes every record now in {@code topics}. */
    public static void truncate(KafkaSettings kafka, List<String> topics) {
        try (Admin admin = Admin.create(KafkaClients.common(kafka, "bench-truncate"))) {
            Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
            for (String topic : topics) {
                endOffsets(admin, topic).forEach((tp, end) -> delete.put(tp, RecordsToDelete.beforeOffset(end)));
            }
            admin.deleteRecords(delete).all().get();
        } catch (ExecutionException e) {
            throw new KafkaException("cannot empty " + topics, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while emptying " + topics, e);
        }
    }
}

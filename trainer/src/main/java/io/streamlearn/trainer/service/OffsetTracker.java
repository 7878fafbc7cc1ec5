package io.streamlearn.trainer.service;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The next offset to learn per partition. Records are first {@link #seen}; they count as done only once
 * {@link #settle()} says that everything seen so far was learned or dead-lettered, so that samples still waiting
 * in a partial batch are never committed (nor claimed by a snapshot's lineage).
 */
final class OffsetTracker {
    private final Map<TopicPartition, Long> pending = new HashMap<>();
    private final Map<TopicPartition, Long> done = new HashMap<>();

    /** Starts from offsets learned before, e.g. those of a checkpoint. */
    void restore(Map<TopicPartition, Long> learned) {
        done.putAll(learned);
    }

    void seen(TopicPartition partition, long offset) {
        pending.put(partition, offset + 1);
    }

    void settle() {
        done.putAll(pending);
        pending.clear();
    }

    /** Next offset to learn per partition, for everything settled. */
    Map<TopicPartition, Long> done() {
        return Map.copyOf(done);
    }

    Map<TopicPartition, OffsetAndMetadata> toCommit() {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        done.forEach((tp, next) -> commit.put(tp, new OffsetAndMetadata(next)));
        return commit;
    }
}

package io.streamlearn.trainer.service;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The next offset to learn per partition. Records are first {@link #seen}; they count as done only once
 * {@link #settle()} says that everything seen so far was learned or dead-lettered, so that samples still waiting
 * in a partial batch are never committed (nor claimed by a snapshot's lineage). Only the offsets of partitions
 * {@link #resumed} since they were last {@link #released} are committed.
 */
final class OffsetTracker {
    private final Map<TopicPartition, Long> pending = new HashMap<>();
    private final Map<TopicPartition, Long> done = new HashMap<>();
    private final Set<TopicPartition> resumed = new HashSet<>();

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

    /**
     * The group assigned these partitions and each now reads where the model resumes. Until then a restored offset
     * must not be committed: it would overwrite the group's offset, which the assignment compares with the
     * checkpoint's to find the records whose dead letters were lost with an aborted transaction.
     */
    void resumed(Collection<TopicPartition> partitions) {
        resumed.addAll(partitions);
    }

    /** The group takes these partitions away: their offsets are no longer this trainer's to commit. */
    void released(Collection<TopicPartition> partitions) {
        resumed.removeAll(partitions);
    }

    /** Next offset to learn per partition, for everything settled in the partitions {@link #resumed} now. */
    Map<TopicPartition, OffsetAndMetadata> toCommit() {
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        done.forEach((tp, next) -> {
            if (resumed.contains(tp)) {
                commit.put(tp, new OffsetAndMetadata(next));
            }
        });
        return commit;
    }
}

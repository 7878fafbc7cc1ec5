package io.streamlearn.trainer.service;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Partitions read again from the group's offset up to the checkpoint's, only to send again the dead letters that
 * an aborted transaction lost (see {@link TrainerService}). Per partition it knows where the model resumes
 * learning and how far the resending got: what the group commits meanwhile, so that a crash in the middle
 * resumes the resending where it stopped. Not thread-safe (the training thread owns it).
 */
final class DeadLetterResend {
    private final Map<TopicPartition, Long> learnedUntil = new HashMap<>();
    private final Map<TopicPartition, Long> resentUpTo = new HashMap<>();

    /** The partition is read again from {@code groupOffset}; the model has learned it up to {@code learnedUntil}. */
    void start(TopicPartition partition, long groupOffset, long learnedUntil) {
        this.learnedUntil.put(partition, learnedUntil);
        resentUpTo.put(partition, groupOffset);
    }

    /**
     * Whether the record at {@code offset} is one the model has learned already, so that only its dead letter, if
     * it has one, is sent again. The first record at or past the checkpoint's offset ends the partition's resending.
     */
    boolean deadLetterOnly(TopicPartition partition, long offset) {
        Long until = learnedUntil.get(partition);
        if (until == null) {
            return false;
        }
        if (offset >= until) {
            end(partition);
            return false;
        }
        if (offset + 1 < until) {
            resentUpTo.put(partition, offset + 1);
        } else {
            end(partition);
        }
        return true;
    }

    /** The group took the partitions away: should they come back, the assignment starts resending again. */
    void end(Collection<TopicPartition> partitions) {
        partitions.forEach(this::end);
    }

    /** Replaces the offsets of partitions still being resent with how far the resending got. */
    void coverCommit(Map<TopicPartition, OffsetAndMetadata> commit) {
        resentUpTo.forEach((tp, next) -> commit.put(tp, new OffsetAndMetadata(next)));
    }

    private void end(TopicPartition partition) {
        learnedUntil.remove(partition);
        resentUpTo.remove(partition);
    }
}

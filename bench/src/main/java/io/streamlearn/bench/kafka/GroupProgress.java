package io.streamlearn.bench.kafka;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;

/**
 * Throughput of a consumer group over a backlog, read from the broker: the offsets the group has committed
 * on the input topic (under exactly-once, committed together with its output). The rate is taken from the first
 * commit seen to the last, so the application's start-up (rebalance, restore) is not in it.
 */
public final class GroupProgress implements AutoCloseable {
    private static final long POLL_MS = 20;
    private final Admin admin;
    private final String topic;

    public GroupProgress(KafkaSettings kafka, String topic) {
        this.admin = Admin.create(KafkaClients.common(kafka, "bench-group-progress"));
        this.topic = topic;
    }

    /** The sum of the topic's end offsets: what a group has committed once it consumed everything. */
    public long backlog() {
        return BenchTopics.endOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /** The sum of the topic's log start offsets (records before them were deleted). */
    public long start() {
        return BenchTopics.startOffsets(admin, topic).values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Waits until {@code groupId} has committed {@code target} records of the topic and returns its rate in
     * records/s between its first and last observed commit; if it committed everything at once (a backlog too
     * small for the commit interval), the rate since this call, start-up included.
     */
    public double awaitRate(String groupId, long target, Duration timeout) {
        long called = System.nanoTime();
        long base = start();
        long deadline = called + timeout.toNanos();
        long firstAt = 0;
        long firstCommitted = 0;
        long committed = 0;
        while (System.nanoTime() < deadline) {
            committed = committed(groupId);
            long now = System.nanoTime();
            if (committed > 0 && firstAt == 0) {
                firstAt = now;
                firstCommitted = committed;
            }
            if (committed >= target) {
                if (committed == firstCommitted) {
                    return (committed - base) / ((now - called) / 1e9);
                }
                return (committed - firstCommitted) / ((now - firstAt) / 1e9);
            }
            sleep();
        }
        throw new IllegalStateException("group " + groupId + " committed " + committed + " of " + target
                + " records of " + topic + " within " + timeout.toSeconds() + " s");
    }

    private long committed(String groupId) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        } catch (ExecutionException e) {
            throw new KafkaException("cannot read the committed offsets of group " + groupId, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while reading the offsets of group " + groupId, e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting for a consumer group", e);
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}

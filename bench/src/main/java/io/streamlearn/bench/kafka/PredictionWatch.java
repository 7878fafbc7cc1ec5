package io.streamlearn.bench.kafka;

import com.google.protobuf.InvalidProtocolBufferException;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Prediction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the predictions topic from its current end on its own thread and notes when each prediction for an
 * {@link EventLoad} event is first seen ({@link System#nanoTime()}, right after the poll returned it), and,
 * when asked to decode, when each model version first appears. Read committed or uncommitted, as the
 * application under test's guarantee calls for: that is when a downstream consumer could act on it.
 */
public final class PredictionWatch implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final String prefix;
    private final long[] seenAt;
    private final boolean decodeVersions;
    private final Map<Long, Long> versionFirstSeen = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile RuntimeException failure;

    public PredictionWatch(KafkaSettings kafka, String output, String prefix, int capacity, boolean readCommitted,
                           boolean decodeVersions) {
        Properties p = KafkaClients.consumer(kafka, "bench-prediction-watch", null);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = consumer.partitionsFor(output, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end now, before any load is sent
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        this.prefix = prefix;
        this.seenAt = new long[capacity];
        this.decodeVersions = decodeVersions;
        this.thread = new Thread(this::run, "bench-prediction-watch");
    }

    public PredictionWatch start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (!stopping) {
                var records = consumer.poll(Duration.ofMillis(5));
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : records) {
                    note(r, now);
                }
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            consumer.close();
        }
    }

    private void note(ConsumerRecord<String, byte[]> r, long now) {
        if (r.key() != null && r.key().startsWith(prefix)) {
            int n = Integer.parseInt(r.key(), prefix.length(), r.key().length(), 10);
            if (n < seenAt.length && seenAt[n] == 0) {
                seenAt[n] = now;
            }
        }
        if (decodeVersions) {
            try {
                versionFirstSeen.putIfAbsent(Prediction.parseFrom(r.value()).getModelVersion(), now);
            } catch (InvalidProtocolBufferException e) {
                throw new IllegalStateException("an undecodable record on " + Topics.PREDICTIONS, e);
            }
        }
    }

    /** When the prediction of event {@code n} was first seen; 0 if not (yet). Call after {@link #close()}. */
    public long seenAt(int n) {
        return seenAt[n];
    }

    /** When a prediction of {@code version} was first seen, if it was. */
    public Long versionSeenAt(long version) {
        return versionFirstSeen.get(version);
    }

    @Override
    public void close() {
        stopping = true;
        if (thread.getState() == Thread.State.NEW) {
            consumer.close(); // never started: the thread that closes it never ran
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw failure;
        }
    }
}

package io.streamlearn.trainer.service;

import com.google.protobuf.ByteString;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.topic.DeadLetters;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.trainer.TrainerConfig;
import io.streamlearn.trainer.learn.OnlineLearner;
import io.streamlearn.trainer.metrics.TrainerMetrics;
import io.streamlearn.trainer.onnx.OnnxExporter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns one model from the samples topic and publishes its snapshots. Each valid sample is buffered and learned
 * test-then-train in mini-batches; unlearnable records go to dead-letters. A snapshot (ONNX bytes plus lineage) is
 * published in the same Kafka transaction as the consumer offsets it covers, so the committed position of the
 * group and the newest snapshot always agree. {@link #run()} is the training thread; every accessor may be called
 * from any thread; {@link #close()} stops the loop, which publishes what it learned since the last snapshot.
 * Until checkpoints exist, a restarted trainer starts a new network from the group's committed offsets; the
 * restore belongs in {@code start()} and the checkpoint beside the snapshot in {@code commit()}.
 */
public final class TrainerService implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrainerService.class);
    private static final String SERVICE = "trainer";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
    /** Headroom over snapshot.every.ms before the broker aborts a transaction holding dead letters. */
    private static final long TRANSACTION_SLACK_MS = 60_000;

    private final TrainerConfig config;
    private final KafkaSettings kafka;
    private final OnlineLearner learner;
    private final TrainerMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final OffsetTracker offsets = new OffsetTracker();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final byte[] modelKey;
    private SnapshotPolicy policy;
    private boolean transactionOpen;
    private long learnedAtLastSnapshot;
    private boolean closingClients;

    private volatile boolean started;
    private volatile boolean stopping;
    private volatile long lastSnapshotVersion;
    private volatile long snapshotsPublished;
    private volatile long deadLetters;

    /** Creates the Kafka clients (no connection yet) and a new network from the configuration. */
    public TrainerService(TrainerConfig config, KafkaSettings kafka, CollectorRegistry registry) {
        this.config = config;
        this.kafka = kafka;
        this.learner = new OnlineLearner(config.network().build(), config.batchSize());
        this.metrics = new TrainerMetrics(registry,
                Arrays.stream(SampleCheck.Reject.values()).map(SampleCheck.Reject::label).toList());
        this.modelKey = config.modelName().getBytes(StandardCharsets.UTF_8);
        String clientId = "streamlearn-trainer-" + config.modelName();
        this.consumer = new KafkaConsumer<>(consumerProperties(clientId));
        this.producer = new KafkaProducer<>(producerProperties(clientId));
    }

    private Properties consumerProperties(String clientId) {
        Properties p = KafkaClients.consumer(kafka, clientId, config.groupId());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    private Properties producerProperties(String clientId) {
        Properties p = KafkaClients.producer(kafka, clientId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        // One transactional id per model: a restarted trainer fences its predecessor and aborts what it left open.
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "streamlearn-trainer-" + config.modelName());
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                Long.toString(config.snapshotEvery().toMillis() + TRANSACTION_SLACK_MS));
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Topics.MAX_SNAPSHOT_BYTES + 1024 * 1024));
        return p;
    }

    @Override
    public void run() {
        started = true;
        try {
            start();
            learnUntilStopped();
            finish();
        } catch (RuntimeException | Error e) {
            log.error("trainer {} failed after learning {} samples: {}", config.modelName(), learner.samplesLearned(),
                    e.toString(), e);
            abortOpenTransaction();
            throw e;
        } finally {
            closingClients = true;
            closeClients();
            finished.countDown();
            log.info("trainer {} stopped: learned {} samples in {} batches, published {} snapshots (last version {}), "
                            + "{} dead letters, prequential accuracy {} (window {})", config.modelName(),
                    learner.samplesLearned(), learner.batches(), snapshotsPublished, lastSnapshotVersion, deadLetters,
                    fmt(learner.prequentialAccuracy()), fmt(learner.windowAccuracy()));
        }
    }

    private void learnUntilStopped() {
        try {
            while (!stopping) {
                pollOnce();
            }
        } catch (WakeupException e) {
            if (!stopping) {
                throw e;
            }
        }
    }

    private void start() {
        TopicAdmin.ensureTopics(kafka, List.of(Topics.SAMPLES, Topics.MODELS, Topics.DEAD_LETTERS), STARTUP_TIMEOUT);
        producer.initTransactions(); // aborts a predecessor's open transaction before the models topic is read
        lastSnapshotVersion = PublishedVersions.latest(kafka, config.modelName(), STARTUP_TIMEOUT);
        policy = new SnapshotPolicy(config.snapshotEverySamples(), config.snapshotEvery().toMillis(),
                System.currentTimeMillis());
        consumer.subscribe(List.of(Topics.SAMPLES.name()), new Rebalance());
        log.info("trainer {} started: network {}, batch {}, group {}, next snapshot version {}", config.modelName(),
                config.network(), config.batchSize(), config.groupId(), lastSnapshotVersion + 1);
    }

    private void pollOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(config.pollTimeout());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            handle(record);
        }
        if (records.isEmpty()) {
            learnBatch(); // the tail of a quiet stream is never left unlearned
        }
        if (policy.intervalElapsed(System.currentTimeMillis())) {
            commit();
        }
        metrics.consumerLag(lag());
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        offsets.seen(new TopicPartition(record.topic(), record.partition()), record.offset());
        SampleCheck check = SampleCheck.of(record.value(), learner.inputSize(), learner.classes());
        if (check.valid()) {
            learner.add(check.sample());
            if (learner.isFull()) {
                learnBatch();
            }
        } else {
            deadLetter(record, check);
            if (learner.buffered() == 0) {
                offsets.settle();
            }
        }
    }

    private void learnBatch() {
        int n = learner.buffered();
        if (n == 0) {
            return;
        }
        long t0 = System.nanoTime();
        learner.learn();
        metrics.batchLearned(n, learner.lastLoss(), learner.windowAccuracy(), (System.nanoTime() - t0) / 1e9);
        offsets.settle();
        if (policy.snapshotDue(learner.samplesLearned() - learnedAtLastSnapshot, System.currentTimeMillis())) {
            commit();
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, SampleCheck check) {
        beginTransaction();
        var letter = DeadLetters.of(SERVICE, record.topic(), record.partition(), record.offset(), check.detail(),
                record.key(), record.value(), record.timestamp());
        producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), record.key(),
                Topics.DEAD_LETTERS.valueSerde().serializer().serialize(Topics.DEAD_LETTERS.name(), letter)));
        metrics.deadLetter(check.reason().label());
        deadLetters++;
        log.debug("dead letter {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), check.detail());
    }

    /**
     * Commits what was done since the last commit: a new snapshot if the model changed, dead letters, and the
     * offsets both cover, in one transaction. No-op when there is nothing to commit.
     */
    private void commit() {
        long now = System.currentTimeMillis();
        boolean changed = learner.samplesLearned() > learnedAtLastSnapshot;
        if (!changed && !transactionOpen) {
            policy.committed(now);
            return;
        }
        beginTransaction();
        ModelSnapshot snapshot = changed ? snapshot(lastSnapshotVersion + 1, now) : null;
        if (snapshot != null) {
            producer.send(new ProducerRecord<>(Topics.MODELS.name(), modelKey,
                    Topics.MODELS.valueSerde().serializer().serialize(Topics.MODELS.name(), snapshot)));
        }
        producer.sendOffsetsToTransaction(offsets.toCommit(), consumer.groupMetadata());
        producer.commitTransaction();
        transactionOpen = false;
        policy.committed(now);
        if (snapshot != null) {
            published(snapshot);
        }
    }

    private void beginTransaction() {
        if (!transactionOpen) {
            producer.beginTransaction();
            transactionOpen = true;
        }
    }

    /** Exports the network on this (the training) thread and wraps it with its lineage. */
    private ModelSnapshot snapshot(long version, long now) {
        ModelSnapshot lineage = Snapshots.lineage(config, version, learner.samplesLearned(), offsets.done(),
                Map.of("prequential_accuracy", learner.prequentialAccuracy(),
                        "prequential_accuracy_window", learner.windowAccuracy(),
                        "loss", learner.lastLoss(),
                        "batches", (double) learner.batches()), now);
        long t0 = System.nanoTime();
        byte[] onnx = OnnxExporter.export(learner.network(), Snapshots.metadata(lineage));
        metrics.exported((System.nanoTime() - t0) / 1e9);
        ModelSnapshot snapshot = lineage.toBuilder()
                .setOnnxModel(ByteString.copyFrom(onnx)).build();
        try {
            Snapshots.requireFits(snapshot);
        } catch (SnapshotTooLargeException e) {
            metrics.snapshotRefused();
            throw e;
        }
        return snapshot;
    }

    private void published(ModelSnapshot snapshot) {
        lastSnapshotVersion = snapshot.getVersion();
        snapshotsPublished++;
        learnedAtLastSnapshot = snapshot.getSamplesLearned();
        metrics.snapshotPublished(snapshot.getVersion());
        log.info("published {} v{}: {} samples learned, {} bytes, prequential accuracy {} (window {}), loss {}, offsets {}",
                snapshot.getModelName(), snapshot.getVersion(), snapshot.getSamplesLearned(),
                snapshot.getOnnxModel().size(), fmt(learner.prequentialAccuracy()), fmt(learner.windowAccuracy()),
                fmt(learner.lastLoss()), Snapshots.metadata(snapshot).get("offsets"));
    }

    private static String fmt(double value) {
        return String.format("%.4f", value);
    }

    private long lag() {
        long lag = 0;
        for (TopicPartition tp : consumer.assignment()) {
            lag += consumer.currentLag(tp).orElse(0);
        }
        return lag;
    }

    /** Learns what is buffered and publishes it: nothing that was learned is left unpublished on a clean stop. */
    private void finish() {
        learnBatch();
        commit();
    }

    private void abortOpenTransaction() {
        if (transactionOpen) {
            try {
                producer.abortTransaction();
            } catch (RuntimeException e) {
                log.warn("trainer {}: could not abort the open transaction: {}", config.modelName(), e.toString());
            }
            transactionOpen = false;
        }
    }

    private void closeClients() {
        try (producer; consumer) {
            log.debug("closing the Kafka clients of trainer {}", config.modelName());
        }
    }

    /** Stops the loop (it publishes what it learned since the last snapshot) and waits for it to close the clients. */
    @Override
    public void close() {
        stopping = true;
        if (!started) {
            closeClients();
            return;
        }
        consumer.wakeup();
        try {
            if (!finished.await(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("trainer {} did not stop within {}", config.modelName(), CLOSE_TIMEOUT);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long samplesLearned() {
        return learner.samplesLearned();
    }

    public long batches() {
        return learner.batches();
    }

    public long snapshotsPublished() {
        return snapshotsPublished;
    }

    /** Version of the newest snapshot of this model: published by this trainer, or found on the topic at start. */
    public long lastSnapshotVersion() {
        return lastSnapshotVersion;
    }

    public double prequentialAccuracy() {
        return learner.prequentialAccuracy();
    }

    public double windowAccuracy() {
        return learner.windowAccuracy();
    }

    public long deadLetters() {
        return deadLetters;
    }

    /** Publishes before partitions move to another instance, so the next owner resumes where this model stopped. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty() && !closingClients) {
                log.info("trainer {}: partitions {} revoked, publishing what was learned", config.modelName(), partitions);
                finish();
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("trainer {}: assigned partitions {}", config.modelName(), partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // The group has moved on without us: our offsets can no longer be committed for these partitions.
            log.warn("trainer {}: partitions {} lost without a chance to commit", config.modelName(), partitions);
        }
    }
}

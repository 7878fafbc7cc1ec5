package io.streamlearn.trainer.service;

import com.google.protobuf.ByteString;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.kafka.LatestSnapshot;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.topic.DeadLetters;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.trainer.TrainerConfig;
import io.streamlearn.trainer.checkpoint.CheckpointStore;
import io.streamlearn.trainer.learn.OnlineLearner;
import io.streamlearn.trainer.metrics.TrainerMetrics;
import io.streamlearn.trainer.onnx.OnnxExporter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns one model from the samples topic and publishes its snapshots. Each valid sample is buffered and learned
 * test-then-train in mini-batches; unlearnable records go to dead-letters. A snapshot (ONNX bytes plus lineage) is
 * published in the same Kafka transaction as the consumer offsets it covers. {@link #run()} is the training
 * thread; every accessor may be called from any thread; {@link #close()} stops the loop, which publishes what it
 * learned since the last snapshot. Drift alerts about this model are polled between batches and handled by a
 * {@link DriftResponder}.
 *
 * <p>Exactly once, with {@code checkpoint.dir} set: at every commit the learner's whole state and the offsets it has
 * learned up to are written to the checkpoint (forced to disk, atomic rename) <em>before</em> the transaction that
 * publishes the snapshot and commits the same offsets. A crash therefore leaves a checkpoint that is either equal
 * to the last committed transaction or one commit ahead of it, and always self-consistent: its model learned
 * exactly the records below its offsets. On start the trainer restores the checkpoint and resumes every partition
 * at the checkpoint's offset, not at the group's: no record below it is learned again, none above it is skipped.
 * Records between the group's offset and the checkpoint's (the aborted last transaction) are read again only to
 * send their dead letters again, which were lost with that transaction. Snapshots from an aborted transaction were
 * never visible (read_committed), so the published lineage shows every sample learned exactly once. Offsets are
 * committed only for partitions the group has assigned and that were put where the model resumes: a restarted
 * trainer publishes its checkpoint's unpublished learning on the snapshot clock, possibly while its consumer is
 * still joining the group, and committing the checkpoint's offsets then would overwrite the group's offset and so
 * skip the records whose dead letters must be sent again.
 */
public final class TrainerService implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TrainerService.class);
    static final String SERVICE = "trainer";
    private static final String UNDECODABLE_ALERT = "undecodable_drift_alert";
    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(60);
    private static final long DRIFT_POLL_MS = 100;
    /** Headroom over snapshot.every.ms before the broker aborts a transaction holding dead letters. */
    private static final long TRANSACTION_SLACK_MS = 60_000;

    private final TrainerConfig config;
    private final KafkaSettings kafka;
    private final OnlineLearner learner;
    private final TrainerMetrics metrics;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final KafkaProducer<byte[], byte[]> producer;
    private final DriftAlerts driftAlerts;
    private final OffsetTracker offsets = new OffsetTracker();
    private final DeadLetterResend resend = new DeadLetterResend();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final byte[] modelKey;
    private CheckpointStore checkpoints;
    private String samplesTopicId;
    private Map<TopicPartition, Long> checkpointedOffsets = Map.of();
    private long checkpointedSamples = -1;
    private SnapshotPolicy policy;
    private DriftResponder drift;
    private boolean transactionOpen;
    private long learnedAtLastSnapshot;
    private long lastDriftPollMs;
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
        this.metrics = new TrainerMetrics(registry, Stream.concat(
                Arrays.stream(SampleCheck.Reject.values()).map(SampleCheck.Reject::label), Stream.of(UNDECODABLE_ALERT))
                .toList());
        this.modelKey = config.modelName().getBytes(StandardCharsets.UTF_8);
        String clientId = "streamlearn-trainer-" + config.modelName();
        this.learner = new OnlineLearner(config.network().build(), config.learning());
        this.consumer = openOrClose(() -> new KafkaConsumer<>(consumerProperties(clientId)), learner);
        this.producer = openOrClose(() -> new KafkaProducer<>(producerProperties(clientId)), consumer, learner);
        this.driftAlerts = openOrClose(() -> new DriftAlerts(kafka, config.modelName()), producer, consumer, learner);
    }

    /** Opens the next resource; if that fails, closes the ones {@code opened} before it. */
    private static <T> T openOrClose(Supplier<T> open, AutoCloseable... opened) {
        try {
            return open.get();
        } catch (RuntimeException e) {
            for (AutoCloseable resource : opened) {
                try {
                    resource.close();
                } catch (Exception closing) {
                    e.addSuppressed(closing);
                }
            }
            throw e;
        }
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
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(Topics.MAX_SNAPSHOT_RECORD_BYTES));
        return p;
    }

    @Override
    public void run() {
        started = true;
        try {
            start();
            learnUntilStopped();
            finish();
        } catch (RuntimeException e) {
            throw failed(explained(e, abortOpenTransaction()));
        } catch (Error e) {
            RuntimeException abortFailure = abortOpenTransaction();
            if (abortFailure != null) {
                e.addSuppressed(abortFailure);
            }
            throw failed(e);
        } finally {
            closingClients = true;
            closeClients();
            finished.countDown();
            log.info("trainer {} stopped: learned {} samples in {} batches, published {} snapshots (last version {}), "
                            + "{} dead letters, prequential accuracy {} (window {})", config.modelName(),
                    learner.samplesLearned(), learner.batches(), snapshotsPublished, lastSnapshotVersion, deadLetters,
                    fmt(learner.prequentialAccuracy()), fmt(learner.windowAccuracy()));
            learner.close();
        }
    }

    private <T extends Throwable> T failed(T e) {
        log.error("trainer {} failed after learning {} samples: {}", config.modelName(), learner.samplesLearned(),
                e.toString(), e);
        return e;
    }

    /**
     * The failure to report. When a newer producer with this trainer's transactional id fenced ours (the failure or
     * the abort after it says so), says that; a stale epoch (InvalidProducerEpochException) without that proof
     * names both of its possible causes.
     */
    private RuntimeException explained(RuntimeException e, RuntimeException abortFailure) {
        RuntimeException cause = has(e, ProducerFencedException.class) ? e
                : has(abortFailure, ProducerFencedException.class) ? abortFailure : null;
        String message = "another trainer of model " + config.modelName()
                + " started with the same transactional id and fenced this one: run one trainer per model";
        if (cause == null && has(e, InvalidProducerEpochException.class)) {
            cause = e;
            message = "Kafka refused this trainer's producer epoch as stale: another trainer of model "
                    + config.modelName() + " may have started with the same transactional id (run one trainer per "
                    + "model), or the broker aborted a transaction open longer than its transaction.timeout.ms";
        }
        RuntimeException reported = cause == null ? e : new KafkaException(message, cause);
        for (RuntimeException other : new RuntimeException[] {e, abortFailure}) {
            if (other != null && other != cause && other != reported) {
                reported.addSuppressed(other);
            }
        }
        return reported;
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
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
        TopicAdmin.ensureTopics(kafka, List.of(Topics.SAMPLES, Topics.MODELS, Topics.DEAD_LETTERS, Topics.DRIFT_ALERTS),
                STARTUP_TIMEOUT);
        producer.initTransactions(); // aborts a predecessor's open transaction before the models topic is read
        Optional<ModelSnapshot> latest = LatestSnapshot.read(kafka, config.modelName(), STARTUP_TIMEOUT);
        lastSnapshotVersion = latest.map(ModelSnapshot::getVersion).orElse(0L);
        restoreCheckpoint(latest);
        policy = new SnapshotPolicy(config.snapshotEverySamples(), config.snapshotEvery().toMillis(),
                System.currentTimeMillis());
        drift = new DriftResponder(config.modelName(), config.drift(), learner, policy, metrics);
        driftAlerts.start(STARTUP_TIMEOUT);
        consumer.subscribe(List.of(Topics.SAMPLES.name()), new Rebalance());
        log.info("trainer {} started: network {}, {}, group {}, drift {}, next snapshot version {}", config.modelName(),
                config.network(), config.learning(), config.groupId(), config.drift(), lastSnapshotVersion + 1);
    }

    /** Restores the learner and its offsets from the checkpoint, when a checkpoint folder is configured. */
    private void restoreCheckpoint(Optional<ModelSnapshot> latest) {
        if (config.checkpointDir().isEmpty()) {
            log.warn("trainer {}: no {} configured: a restart starts a new model from the group's offsets",
                    config.modelName(), TrainerConfig.CHECKPOINT_DIR);
            return;
        }
        checkpoints = CheckpointStore.open(config.checkpointDir().get(), config.modelName());
        samplesTopicId = samplesTopicId();
        Optional<Map<TopicPartition, Long>> restored = checkpoints.restore(samplesTopicId, learner);
        if (restored.isEmpty()) {
            log.info("trainer {}: no checkpoint in {} yet, starting a new model", config.modelName(), checkpoints.file());
            return;
        }
        offsets.restore(restored.get());
        checkpointedOffsets = restored.get();
        checkpointedSamples = learner.samplesLearned();
        // A checkpoint one commit ahead of the newest snapshot holds learning that was never published.
        learnedAtLastSnapshot = Math.min(learner.samplesLearned(), latest.map(ModelSnapshot::getSamplesLearned).orElse(0L));
        log.info("trainer {}: restored {} ({} samples learned, prequential accuracy {}, offsets {}); {} of them not "
                        + "yet in a snapshot", config.modelName(), checkpoints.file(), learner.samplesLearned(),
                fmt(learner.prequentialAccuracy()), restored.get(), learner.samplesLearned() - learnedAtLastSnapshot);
    }

    private String samplesTopicId() {
        try (Admin admin = Admin.create(KafkaClients.common(kafka, "streamlearn-trainer-" + config.modelName() + "-admin"))) {
            return admin.describeTopics(List.of(Topics.SAMPLES.name())).allTopicNames()
                    .get(STARTUP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(Topics.SAMPLES.name()).topicId().toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while describing " + Topics.SAMPLES, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("cannot describe " + Topics.SAMPLES + " to check the checkpoint against it", e);
        }
    }

    private void pollOnce() {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(config.pollTimeout());
        for (ConsumerRecord<byte[], byte[]> record : records) {
            handle(record);
        }
        if (records.isEmpty()) {
            learnBatch(); // the tail of a quiet stream is never left unlearned
        }
        long now = System.currentTimeMillis();
        if (now - lastDriftPollMs >= DRIFT_POLL_MS) {
            lastDriftPollMs = now;
            drift.received(driftAlerts.poll(this::deadLetterAlert));
        }
        if (drift.waiting()) {
            drift.reactToAlertsReached(offsets.done()); // done() copies: only when an alert waits
        }
        if (policy.intervalElapsed(now)) {
            finish();
        }
        metrics.consumerLag(lag());
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        SampleCheck check = SampleCheck.of(record.value(), learner.inputSize(), learner.classes());
        if (resend.deadLetterOnly(partition, record.offset())) {
            if (!check.valid()) { // the checkpointed model has learned the valid ones already
                deadLetter(record, check.reason().label(), check.detail());
            }
            return;
        }
        offsets.seen(partition, record.offset());
        if (check.valid()) {
            learner.add(check.sample());
            if (learner.isFull()) {
                learnBatch();
            }
        } else {
            deadLetter(record, check.reason().label(), check.detail());
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
        metrics.batchLearned(n, learner.lastLoss(), learner.windowAccuracy(), learner.learningRate(),
                (System.nanoTime() - t0) / 1e9);
        drift.watchOwnErrors(lastSnapshotVersion);
        offsets.settle();
        if (policy.snapshotDue(learner.samplesLearned() - learnedAtLastSnapshot, learner.samplesLearned(),
                System.currentTimeMillis())) {
            commit();
        }
    }

    private void deadLetterAlert(ConsumerRecord<byte[], byte[]> record) {
        deadLetter(record, UNDECODABLE_ALERT, "undecodable DriftAlert");
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, String detail) {
        beginTransaction();
        var letter = DeadLetters.of(SERVICE, record.topic(), record.partition(), record.offset(),
                reason, detail, record.key(), record.value(), record.timestamp());
        producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), record.key(),
                Topics.DEAD_LETTERS.valueSerde().serializer().serialize(Topics.DEAD_LETTERS.name(), letter)));
        metrics.deadLetter(reason);
        deadLetters++;
        log.debug("dead letter {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), detail);
    }

    /**
     * Commits what was done since the last commit: a new snapshot if the model changed, dead letters, and the
     * offsets both cover, in one transaction, after checkpointing the same offsets (see the class comment for why
     * first). No-op when there is nothing to commit.
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
        Map<TopicPartition, OffsetAndMetadata> commitOffsets = offsets.toCommit();
        resend.coverCommit(commitOffsets);
        producer.sendOffsetsToTransaction(commitOffsets, consumer.groupMetadata());
        checkpoint();
        producer.commitTransaction();
        transactionOpen = false;
        policy.committed(now);
        if (snapshot != null) {
            published(snapshot);
        }
    }

    /** Writes the checkpoint when the model or its offsets changed since the last one. */
    private void checkpoint() {
        Map<TopicPartition, Long> done = offsets.done();
        if (checkpoints == null || (done.equals(checkpointedOffsets) && learner.samplesLearned() == checkpointedSamples)) {
            return;
        }
        long t0 = System.nanoTime();
        checkpoints.save(samplesTopicId, done, learner);
        metrics.checkpointed((System.nanoTime() - t0) / 1e9);
        checkpointedOffsets = done;
        checkpointedSamples = learner.samplesLearned();
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
                        "learning_rate", learner.learningRate(),
                        "batches", (double) learner.batches()), now);
        long t0 = System.nanoTime();
        byte[] onnx = OnnxExporter.export(learner.network(), learner.inputScaling(),
                Snapshots.metadata(lineage, learner.digest()));
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
                fmt(learner.lastLoss()), Snapshots.metadata(snapshot, learner.digest()).get("offsets"));
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

    /**
     * Learns what is buffered and commits. Every commit comes after the buffer was learned, so that the committed
     * offsets cover every record seen, including dead-lettered ones (whose letters are in the same transaction).
     */
    private void finish() {
        learnBatch();
        commit();
    }

    /** Aborts the open transaction, if any; returns why the abort failed, or null. */
    private RuntimeException abortOpenTransaction() {
        if (!transactionOpen) {
            return null;
        }
        transactionOpen = false;
        try {
            producer.abortTransaction();
            return null;
        } catch (RuntimeException e) {
            log.warn("trainer {}: could not abort the open transaction: {}", config.modelName(), e.toString());
            return e;
        }
    }

    private void closeClients() {
        try (producer; consumer; driftAlerts) {
            if (checkpoints != null) {
                checkpoints.close();
            }
        }
    }

    /** Stops the loop (it publishes what it learned since the last snapshot) and waits for it to close the clients. */
    @Override
    public void close() {
        stopping = true;
        if (!started) {
            closeClients();
            learner.close();
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

    /**
     * Publishes before partitions move to another instance, so the next owner resumes where this model stopped; on
     * assignment, puts each partition where the model has learned up to (see the class comment).
     */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty() && !closingClients) {
                log.info("trainer {}: partitions {} revoked, publishing what was learned", config.modelName(), partitions);
                finish();
            }
            release(partitions); // committed above for the last time
        }

        /**
         * No later commit of ours may carry these partitions' offsets; should they come back, onPartitionsAssigned
         * sets up their resending again from the group's offset.
         */
        private void release(Collection<TopicPartition> partitions) {
            offsets.released(partitions);
            resend.end(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("trainer {}: assigned partitions {}", config.modelName(), partitions);
            seekWhereTheModelResumes(partitions);
            offsets.resumed(partitions);
        }

        private void seekWhereTheModelResumes(Collection<TopicPartition> partitions) {
            Map<TopicPartition, Long> learned = offsets.done();
            if (partitions.isEmpty() || learned.isEmpty()) {
                return; // a new model starts at the group's offsets
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            for (TopicPartition tp : partitions) {
                Long next = learned.get(tp);
                if (next == null) {
                    continue;
                }
                OffsetAndMetadata group = committed.get(tp);
                long groupOffset = group == null ? 0 : group.offset();
                if (groupOffset < next) {
                    resend.start(tp, groupOffset, next);
                    consumer.seek(tp, groupOffset);
                    log.info("trainer {}: {} resumes at {} (learned up to {}, the group had committed {}): records "
                            + "before {} only for their dead letters", config.modelName(), tp, groupOffset, next,
                            group == null ? "nothing" : groupOffset, next);
                } else {
                    if (groupOffset > next) {
                        log.warn("trainer {}: {}: the group committed {} but the checkpoint learned only up to {}: "
                                + "relearning from the checkpoint", config.modelName(), tp, groupOffset, next);
                    }
                    consumer.seek(tp, next);
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            // The group has moved on without us and another member may own them now; Kafka calls this instead of
            // onPartitionsRevoked, so they are released here.
            log.warn("trainer {}: partitions {} lost without a chance to commit", config.modelName(), partitions);
            release(partitions);
        }
    }
}

package io.streamlearn.trainer.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import java.util.Collection;
import java.util.Set;

/**
 * Prometheus metrics of one trainer, registered into the registry it is given. Dead-letter reasons are a fixed,
 * small set declared up front so that every series exists (at 0) from the start.
 */
public final class TrainerMetrics {
    private static final String P = "streamlearn_trainer_";

    private final Counter samplesLearned;
    private final Counter batches;
    private final Gauge loss;
    private final Gauge accuracy;
    private final Histogram learnSeconds;
    private final Histogram exportSeconds;
    private final Gauge snapshotVersion;
    private final Counter snapshotsPublished;
    private final Counter snapshotsRefused;
    private final Counter deadLetters;
    private final Set<String> reasons;
    private final Gauge consumerLag;
    private final Gauge learningRate;
    private final Histogram checkpointSeconds;
    private final Counter driftAlerts;
    private final Counter driftReactions;

    public TrainerMetrics(CollectorRegistry registry, Collection<String> deadLetterReasons) {
        samplesLearned = Counter.build(P + "samples_learned_total", "Samples learned").register(registry);
        batches = Counter.build(P + "batches_total", "Mini-batches learned").register(registry);
        loss = Gauge.build(P + "loss", "Training loss of the last mini-batch").register(registry);
        accuracy = Gauge.build(P + "prequential_accuracy_ratio",
                "Share of the last 1000 samples predicted correctly before they were learned").register(registry);
        learnSeconds = Histogram.build(P + "learn_seconds", "Time to predict and fit one mini-batch")
                .buckets(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1).register(registry);
        exportSeconds = Histogram.build(P + "export_seconds", "Time to export one ONNX snapshot")
                .buckets(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5).register(registry);
        snapshotVersion = Gauge.build(P + "snapshot_version", "Version of the last published snapshot").register(registry);
        snapshotsPublished = Counter.build(P + "snapshots_published_total", "Snapshots published").register(registry);
        snapshotsRefused = Counter.build(P + "snapshots_refused_total",
                "Snapshots refused because they exceed the models topic's size limit").register(registry);
        deadLetters = Counter.build(P + "dead_letters_total", "Samples sent to dead-letters, by reason")
                .labelNames("reason").register(registry);
        reasons = Set.copyOf(deadLetterReasons);
        reasons.forEach(deadLetters::labels);
        consumerLag = Gauge.build(P + "consumer_lag_records",
                "Samples on the assigned partitions not yet fetched by the trainer").register(registry);
        learningRate = Gauge.build(P + "learning_rate", "Learning rate of the hidden layers at the last mini-batch")
                .register(registry);
        checkpointSeconds = Histogram.build(P + "checkpoint_seconds",
                "Time to write and force one checkpoint to disk").buckets(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5)
                .register(registry);
        driftAlerts = Counter.build(P + "drift_alerts_total", "Drift alerts received for this model").register(registry);
        driftReactions = Counter.build(P + "drift_reactions_total",
                "Drift alerts acted on by the drift policy (alerts during a running reaction are not)").register(registry);
    }

    public void batchLearned(int samples, double batchLoss, double windowAccuracy, double rate, double seconds) {
        learningRate.set(rate);
        samplesLearned.inc(samples);
        batches.inc();
        loss.set(batchLoss);
        accuracy.set(windowAccuracy);
        learnSeconds.observe(seconds);
    }

    public void exported(double seconds) {
        exportSeconds.observe(seconds);
    }

    public void snapshotPublished(long version) {
        snapshotsPublished.inc();
        snapshotVersion.set(version);
    }

    public void snapshotRefused() {
        snapshotsRefused.inc();
    }

    /** {@code reason} must be one of those given at construction. */
    public void deadLetter(String reason) {
        if (!reasons.contains(reason)) {
            throw new IllegalArgumentException("undeclared dead-letter reason " + reason + "; declared: " + reasons);
        }
        deadLetters.labels(reason).inc();
    }

    public void checkpointed(double seconds) {
        checkpointSeconds.observe(seconds);
    }

    public void driftAlert(boolean reacted) {
        driftAlerts.inc();
        if (reacted) {
            driftReactions.inc();
        }
    }

    public void consumerLag(long records) {
        consumerLag.set(records);
    }
}

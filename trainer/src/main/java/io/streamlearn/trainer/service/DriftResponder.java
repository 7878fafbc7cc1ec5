package io.streamlearn.trainer.service;

import io.streamlearn.common.drift.DriftDetector;
import io.streamlearn.common.drift.PageHinkley;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.DriftAlert;
import io.streamlearn.trainer.learn.OnlineLearner;
import io.streamlearn.trainer.metrics.TrainerMetrics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the trainer does about drift. Monitoring's alerts wait until the trainer has learned up to the sample that
 * tipped the detector: a trainer lagging behind the scorer must not reset on samples of the old concept. The
 * trainer's own test-then-train errors feed Page-Hinkley. Under the reset policy either resets the optimizer state
 * and the replay buffer, raises the learning rates and snapshots often for a while. Not thread-safe (the training
 * thread owns it).
 */
final class DriftResponder {
    private static final Logger log = LoggerFactory.getLogger(DriftResponder.class);

    private final String modelName;
    private final DriftReaction reaction;
    private final OnlineLearner learner;
    private final SnapshotPolicy policy;
    private final TrainerMetrics metrics;
    private final List<DriftAlert> pending = new ArrayList<>();
    /** Not checkpointed: after a restart it relearns the error level within its first 30 samples. */
    private final DriftDetector ownErrors = new PageHinkley();

    DriftResponder(String modelName, DriftReaction reaction, OnlineLearner learner, SnapshotPolicy policy,
                   TrainerMetrics metrics) {
        this.modelName = modelName;
        this.reaction = reaction;
        this.learner = learner;
        this.policy = policy;
        this.metrics = metrics;
    }

    /** Monitoring's alerts about this model, held until the trainer has learned where they point. */
    void received(Collection<DriftAlert> alerts) {
        pending.addAll(alerts);
    }

    /** Whether an alert waits for the trainer to learn its sample. */
    boolean waiting() {
        return !pending.isEmpty();
    }

    /**
     * Acts on the alerts whose sample is below {@code learned} (next offset to learn per partition), and at once on
     * those that point at no sample (input or prediction distribution, events).
     */
    void reactToAlertsReached(Map<TopicPartition, Long> learned) {
        for (var it = pending.iterator(); it.hasNext(); ) {
            DriftAlert alert = it.next();
            TopicPartition where = new TopicPartition(Topics.SAMPLES.name(), alert.getSourcePartition());
            boolean onSamples = alert.getKind() == DriftAlert.Kind.ERROR_RATE && alert.getSourceOffset() >= 0
                    && "sample".equals(alert.getSource());
            if (!onSamples || learned.getOrDefault(where, 0L) > alert.getSourceOffset()) {
                it.remove();
                react(alert);
            }
        }
    }

    /** Feeds the last batch's test-then-train outcomes to Page-Hinkley; a rise of the error rate is a drift. */
    void watchOwnErrors(long modelVersion) {
        if (!reaction.watchOwnErrors()) {
            return;
        }
        for (int i = 0; i < learner.lastBatchSize(); i++) {
            if (ownErrors.update(learner.lastOutcome(i) ? 0 : 1) == DriftDetector.Signal.DRIFT) {
                double statistic = ownErrors.statistic();
                ownErrors.reset();
                react(DriftAlert.newBuilder().setModelName(modelName).setModelVersion(modelVersion)
                        .setKind(DriftAlert.Kind.ERROR_RATE).setDetector(ownErrors.name())
                        .setSource(TrainerService.SERVICE)
                        .setDetectedAtMs(System.currentTimeMillis()).setEvaluationsSeen(learner.samplesLearned())
                        .setStatistic(statistic)
                        .setDescription("the trainer's own test-then-train error rate rose").build());
                return;
            }
        }
    }

    private void react(DriftAlert alert) {
        boolean act = reaction.policy() == DriftReaction.Policy.RESET && learner.boostLeft() == 0;
        metrics.driftAlert(act);
        if (!act) {
            log.info("trainer {}: drift alert from {} ({}) at {} samples not acted on: policy {}, {} samples of the "
                            + "last reaction left", modelName, alert.getDetector(), alert.getKind(),
                    learner.samplesLearned(), reaction.policy(), learner.boostLeft());
            return;
        }
        learner.resetForDrift(reaction.learningRateFactor(), reaction.outputLearningRateFactor(),
                reaction.boostSamples());
        policy.publishOftenUntil(learner.samplesLearned() + reaction.boostSamples(), reaction.snapshotEverySamples());
        log.info("trainer {}: drift alert from {} ({}, statistic {}, model v{}) at {} samples: optimizer state and "
                        + "replay buffer reset, learning rates x{} (output layer x{}) and a snapshot every {} samples "
                        + "for the next {} samples", modelName, alert.getDetector(), alert.getKind(),
                alert.getStatistic(), alert.getModelVersion(), learner.samplesLearned(), reaction.learningRateFactor(),
                reaction.outputLearningRateFactor(), reaction.snapshotEverySamples(), reaction.boostSamples());
    }
}

package io.streamlearn.trainer.service;

import java.util.Locale;

/**
 * What the trainer does when monitoring reports a drift of its model. {@link Policy#RESET}: forget the optimizer
 * state and the replay buffer, multiply the learning rate of the hidden layers by {@code learningRateFactor} and of
 * the output layer by {@code outputLearningRateFactor} for {@code boostSamples} samples, and publish a snapshot
 * every {@code snapshotEverySamples} samples meanwhile so that the scorer follows the relearning closely.
 * Alerts that arrive while a reaction is still running are counted but not acted on. With {@code watchOwnErrors}
 * the trainer also runs Page-Hinkley on its own test-then-train errors: it sees a change a few hundred samples
 * before monitoring's alert can travel back through the scorer, monitoring and the drift-alerts topic.
 */
public record DriftReaction(Policy policy, double learningRateFactor, double outputLearningRateFactor,
                            long boostSamples, long snapshotEverySamples, boolean watchOwnErrors) {
    public enum Policy {
        NONE, RESET;

        public static Policy of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    public DriftReaction {
        if (!(learningRateFactor > 0) || !(outputLearningRateFactor > 0)) {
            throw new IllegalArgumentException("learning-rate factors must be positive, got " + learningRateFactor
                    + " and " + outputLearningRateFactor);
        }
        if (boostSamples < 0 || snapshotEverySamples < 1) {
            throw new IllegalArgumentException("boost samples must not be negative and the snapshot interval must be "
                    + "positive, got " + boostSamples + " and " + snapshotEverySamples);
        }
    }
}

package io.streamlearn.trainer.learn;

import io.streamlearn.trainer.onnx.InputScaling;

/**
 * How the {@link OnlineLearner} learns, beyond the network itself: per new mini-batch of {@code batchSize} samples
 * it takes {@code updatesPerBatch} gradient steps, each on the new samples plus {@code replayPerBatch} drawn from a
 * reservoir of {@code replayCapacity} earlier ones (0 disables replay). The learning rate falls linearly from the
 * network's configured rate to {@code minLearningRate} over the first {@code decaySamples} samples (0: constant).
 * {@code seed} drives the replay draws: same seed and input order, same model.
 */
public record LearnerOptions(int batchSize, int updatesPerBatch, int replayCapacity, int replayPerBatch,
                             double minLearningRate, long decaySamples, InputScaling inputScaling, long seed) {
    public LearnerOptions {
        require(batchSize > 0, "batch size must be positive, got " + batchSize);
        require(updatesPerBatch > 0, "updates per batch must be positive, got " + updatesPerBatch);
        require(replayCapacity >= 0, "replay capacity must not be negative, got " + replayCapacity);
        require(replayPerBatch >= 0, "replayed samples per batch must not be negative, got " + replayPerBatch);
        require(minLearningRate > 0 && Double.isFinite(minLearningRate),
                "minimum learning rate must be positive, got " + minLearningRate);
        require(decaySamples >= 0, "decay samples must not be negative, got " + decaySamples);
    }

    /** Plain one-pass mini-batch learning: one update per batch, no replay, constant learning rate. */
    public static LearnerOptions plain(int batchSize) {
        return new LearnerOptions(batchSize, 1, 0, 0, Double.MIN_NORMAL, 0, InputScaling.IDENTITY, 0);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}

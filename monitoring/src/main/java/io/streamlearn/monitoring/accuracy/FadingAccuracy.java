package io.streamlearn.monitoring.accuracy;

/**
 * Prequential accuracy with a fading factor (Gama, Sebastião, Rodrigues 2013): {@code S = correct + alpha * S},
 * {@code N = 1 + alpha * N}, accuracy {@code S / N}; with alpha 0.999 the last ~1000 outcomes weigh most.
 * Not thread-safe.
 */
final class FadingAccuracy {
    private final double alpha;
    private double correct;
    private double weight;

    FadingAccuracy(double alpha) {
        this.alpha = alpha;
    }

    void add(boolean isCorrect) {
        correct = (isCorrect ? 1 : 0) + alpha * correct;
        weight = 1 + alpha * weight;
    }

    double accuracy() {
        return weight == 0 ? Double.NaN : correct / weight;
    }
}

package io.streamlearn.common.drift;

/**
 * Page-Hinkley test (Page 1954) for an increase of the mean, with the forgetting factor of MOA, scikit-multiflow
 * and river: {@code sum = max(0, alpha * sum + (x - mean - delta))} where {@code mean} is the mean since the last
 * reset; a change is signalled once {@code sum > lambda}. Because the mean includes the past, a learner whose
 * error falls keeps the sum at zero.
 */
public final class PageHinkley implements DriftDetector {
    public static final int DEFAULT_MIN_INSTANCES = 30;
    public static final double DEFAULT_DELTA = 0.005;
    public static final double DEFAULT_LAMBDA = 50;
    public static final double DEFAULT_ALPHA = 1 - 0.0001;

    private final int minInstances;
    private final double delta;
    private final double lambda;
    private final double alpha;
    private long n;
    private double mean;
    private double sum;

    public PageHinkley(int minInstances, double delta, double lambda, double alpha) {
        if (minInstances < 1 || delta < 0 || lambda <= 0 || alpha <= 0 || alpha > 1) {
            throw new IllegalArgumentException("Page-Hinkley needs minInstances >= 1, delta >= 0, lambda > 0, "
                    + "0 < alpha <= 1; got " + minInstances + ", " + delta + ", " + lambda + ", " + alpha);
        }
        this.minInstances = minInstances;
        this.delta = delta;
        this.lambda = lambda;
        this.alpha = alpha;
    }

    public PageHinkley() {
        this(DEFAULT_MIN_INSTANCES, DEFAULT_DELTA, DEFAULT_LAMBDA, DEFAULT_ALPHA);
    }

    @Override
    public Signal update(double value) {
        n++;
        mean += (value - mean) / n;
        sum = Math.max(0, alpha * sum + (value - mean - delta));
        return n >= minInstances && sum > lambda ? Signal.DRIFT : Signal.NONE;
    }

    @Override
    public void reset() {
        n = 0;
        mean = 0;
        sum = 0;
    }

    @Override
    public double statistic() {
        return sum;
    }

    @Override
    public String name() {
        return "page-hinkley";
    }
}

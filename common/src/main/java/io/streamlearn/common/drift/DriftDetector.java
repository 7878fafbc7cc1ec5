package io.streamlearn.common.drift;

/**
 * A change detector on a stream of numbers in [0, 1], here the error stream of a classifier (1 = wrong,
 * 0 = right). Implementations signal only increases of the mean: a learner that improves is no drift.
 * The caller resets the detector after a {@link Signal#DRIFT}. Not thread-safe.
 */
public interface DriftDetector {
    /** What one observation led to. */
    enum Signal { NONE, WARNING, DRIFT }

    Signal update(double value);

    void reset();

    /** The detector's test statistic after the last update (its meaning depends on the detector). */
    double statistic();

    /** Short name used in metric labels and alerts: adwin, ddm, page-hinkley. */
    String name();
}

package io.streamlearn.monitoring.drift;

import java.util.Arrays;

/**
 * Compares the distribution of the most recent {@code windowSize} values with a reference made of the first
 * {@code referenceSize} values after construction or {@link #reset()}, by {@link Psi}. Values are either class
 * indexes (one bin per class, {@code bins} classes, larger indexes in the last bin) or continuous, binned by the
 * reference's deciles so that any range works. Not thread-safe.
 */
public final class DistributionShift {
    private static final int QUANTILE_BINS = 10;

    private final boolean categorical;
    private final int bins;
    private final int referenceSize;
    private final double[] reference;
    private final int[] window;
    private int referenceCount;
    private double[] edges;
    private long[] referenceHistogram;
    private long[] windowHistogram;
    private int windowNext;
    private int windowCount;

    private DistributionShift(boolean categorical, int bins, int referenceSize, int windowSize) {
        if (referenceSize < 1 || windowSize < 1 || bins < 1) {
            throw new IllegalArgumentException("reference, window and bins must be positive: "
                    + referenceSize + ", " + windowSize + ", " + bins);
        }
        this.categorical = categorical;
        this.bins = bins;
        this.referenceSize = referenceSize;
        this.reference = new double[referenceSize];
        this.window = new int[windowSize];
        reset();
    }

    /** For class indexes 0 .. classes-1. */
    public static DistributionShift ofClasses(int classes, int referenceSize, int windowSize) {
        return new DistributionShift(true, classes, referenceSize, windowSize);
    }

    /** For continuous values, binned by the reference's deciles. */
    public static DistributionShift ofValues(int referenceSize, int windowSize) {
        return new DistributionShift(false, QUANTILE_BINS, referenceSize, windowSize);
    }

    /**
     * Adds a value; returns the PSI of the recent window against the reference once both are full, NaN before.
     */
    public double add(double value) {
        if (referenceCount < referenceSize) {
            reference[referenceCount++] = value;
            if (referenceCount == referenceSize) {
                freezeReference();
            }
            return Double.NaN;
        }
        int bin = bin(value);
        if (windowCount == window.length) {
            windowHistogram[window[windowNext]]--;
        } else {
            windowCount++;
        }
        window[windowNext] = bin;
        windowHistogram[bin]++;
        windowNext = (windowNext + 1) % window.length;
        return windowCount == window.length ? Psi.of(referenceHistogram, windowHistogram) : Double.NaN;
    }

    /** Forgets everything: the next values form a new reference. */
    public void reset() {
        referenceCount = 0;
        windowNext = 0;
        windowCount = 0;
        edges = null;
        referenceHistogram = new long[bins];
        windowHistogram = new long[bins];
    }

    private void freezeReference() {
        if (!categorical) {
            double[] sorted = reference.clone();
            Arrays.sort(sorted);
            edges = new double[bins - 1];
            for (int i = 1; i < bins; i++) {
                edges[i - 1] = sorted[(int) ((long) i * sorted.length / bins)];
            }
        }
        for (double v : reference) {
            referenceHistogram[bin(v)]++;
        }
    }

    private int bin(double value) {
        if (categorical) {
            return (int) Math.max(0, Math.min(bins - 1, value));
        }
        int index = Arrays.binarySearch(edges, value);
        // A value equal to an edge goes above it; between edges binarySearch returns -(insertion point) - 1.
        return index >= 0 ? upperBin(index) : -index - 1;
    }

    private int upperBin(int index) {
        int i = index;
        while (i < edges.length && edges[i] == edges[index]) {
            i++;
        }
        return i;
    }
}

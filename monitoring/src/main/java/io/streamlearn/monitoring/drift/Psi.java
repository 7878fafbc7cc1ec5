package io.streamlearn.monitoring.drift;

/**
 * Population Stability Index of two histograms over the same bins: {@code sum((a - e) * ln(a / e))} over the
 * bins' shares, each share smoothed by half a count so that an empty bin gives a large but finite term.
 * The usual reading: below 0.1 stable, 0.1 to 0.25 a moderate shift, above 0.25 a significant one.
 */
public final class Psi {
    private static final double SMOOTHING = 0.5;

    private Psi() {
    }

    public static double of(long[] expected, long[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalArgumentException("histograms differ in bins: " + expected.length + " vs " + actual.length);
        }
        double expectedTotal = total(expected) + SMOOTHING * expected.length;
        double actualTotal = total(actual) + SMOOTHING * actual.length;
        double psi = 0;
        for (int i = 0; i < expected.length; i++) {
            double e = (expected[i] + SMOOTHING) / expectedTotal;
            double a = (actual[i] + SMOOTHING) / actualTotal;
            psi += (a - e) * Math.log(a / e);
        }
        return psi;
    }

    private static long total(long[] counts) {
        long t = 0;
        for (long c : counts) {
            t += c;
        }
        return t;
    }
}

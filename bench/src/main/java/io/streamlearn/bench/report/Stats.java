package io.streamlearn.bench.report;

import java.util.Arrays;
import java.util.List;

/** The repetitions of one measurement: median and spread (min-max). */
public record Stats(double[] values) {
    public Stats {
        if (values.length == 0) {
            throw new IllegalArgumentException("a measurement needs at least one value");
        }
        values = values.clone();
    }

    public static Stats of(List<Double> values) {
        return new Stats(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public static Stats of(double... values) {
        return new Stats(values);
    }

    public double median() {
        double[] sorted = sorted();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public double min() {
        return sorted()[0];
    }

    public double max() {
        return sorted()[values.length - 1];
    }

    public int count() {
        return values.length;
    }

    private double[] sorted() {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted;
    }

    /** The value at quantile {@code q} (0-1) of {@code data}, nearest-rank; sorts {@code data} in place. */
    public static double quantile(double[] data, double q) {
        if (data.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(data);
        int rank = (int) Math.ceil(q * data.length);
        return data[Math.min(data.length - 1, Math.max(0, rank - 1))];
    }
}

package io.streamlearn.common.drift;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * ADWIN2 (Bifet and Gavaldà 2007): an adaptive window kept as an exponential histogram (at most {@value #MAX_BUCKETS}
 * buckets of each size 2^k), checked every {@value #CLOCK} values for a cut into an older part W0 and a newer part
 * W1 whose means differ by more than
 * {@code eps = sqrt(2 * (1/n0 + 1/n1) * var(W) * L) + 2/3 * (1/n0 + 1/n1) * L}, {@code L = ln(2 ln(n) / delta)}
 * (the variance form of the paper's bound, with the confidence split of MOA). While a cut exists the oldest bucket
 * is dropped, so the window follows changes in both directions, but only a cut where W1's mean is higher
 * (more errors) is signalled as drift.
 */
public final class Adwin implements DriftDetector {
    public static final double DEFAULT_DELTA = 0.002;
    static final int MAX_BUCKETS = 5;
    static final int CLOCK = 32;
    private static final int MIN_SUB_WINDOW = 5;

    private final double delta;
    /** rows.get(k) holds buckets of 2^k values, newest first. */
    private final List<ArrayDeque<Bucket>> rows = new ArrayList<>();
    private long width;
    private double sum;
    private double m2;
    private long ticks;
    private double statistic;

    /** Sum and sum of squared deviations from its own mean of the values in one bucket. */
    private record Bucket(double sum, double m2) {
    }

    public Adwin(double delta) {
        if (!(delta > 0 && delta < 1)) {
            throw new IllegalArgumentException("ADWIN delta must be in (0, 1), got " + delta);
        }
        this.delta = delta;
    }

    public Adwin() {
        this(DEFAULT_DELTA);
    }

    @Override
    public Signal update(double value) {
        insert(value);
        if (++ticks % CLOCK != 0 || width < 2 * MIN_SUB_WINDOW) {
            return Signal.NONE;
        }
        boolean increase = false;
        double cut;
        while (!Double.isNaN(cut = significantCut())) {
            if (cut > 0) {
                increase = true;
                statistic = cut;
            }
            dropOldest();
        }
        return increase ? Signal.DRIFT : Signal.NONE;
    }

    @Override
    public void reset() {
        rows.clear();
        width = 0;
        sum = 0;
        m2 = 0;
        ticks = 0;
        statistic = 0;
    }

    /** The mean of W1 minus the mean of W0 at the last signalled cut. */
    @Override
    public double statistic() {
        return statistic;
    }

    @Override
    public String name() {
        return "adwin";
    }

    /** Number of values in the window. */
    public long width() {
        return width;
    }

    /** Mean of the window, NaN when empty. */
    public double mean() {
        return width == 0 ? Double.NaN : sum / width;
    }

    private void insert(double value) {
        if (width > 0) {
            double d = value - sum / width;
            m2 += d * d * width / (width + 1);
        }
        width++;
        sum += value;
        if (rows.isEmpty()) {
            rows.add(new ArrayDeque<>());
        }
        rows.get(0).addFirst(new Bucket(value, 0));
        compress();
    }

    /** Merges the two oldest buckets of a row that has one too many into one bucket of the next row. */
    private void compress() {
        for (int k = 0; k < rows.size() && rows.get(k).size() > MAX_BUCKETS; k++) {
            ArrayDeque<Bucket> row = rows.get(k);
            Bucket older = row.removeLast();
            Bucket newer = row.removeLast();
            double size = Math.pow(2, k);
            double d = older.sum() / size - newer.sum() / size;
            Bucket merged = new Bucket(older.sum() + newer.sum(), older.m2() + newer.m2() + d * d * size / 2);
            if (k + 1 == rows.size()) {
                rows.add(new ArrayDeque<>());
            }
            rows.get(k + 1).addFirst(merged);
        }
    }

    private void dropOldest() {
        int top = rows.size() - 1;
        Bucket oldest = rows.get(top).removeLast();
        if (rows.get(top).isEmpty()) {
            rows.remove(top);
        }
        double size = Math.pow(2, top);
        width -= (long) size;
        sum -= oldest.sum();
        if (width == 0) {
            m2 = 0;
            return;
        }
        double d = oldest.sum() / size - sum / width;
        m2 = Math.max(0, m2 - oldest.m2() - d * d * size * width / (size + width));
    }

    /** Mean of W1 minus mean of W0 for the first cut (oldest first) that exceeds the bound; NaN when none does. */
    private double significantCut() {
        double variance = m2 / width;
        double logTerm = Math.log(2 * Math.log(width) / delta);
        long n0 = 0;
        double sum0 = 0;
        for (int k = rows.size() - 1; k >= 0; k--) {
            long size = 1L << k;
            for (Iterator<Bucket> it = rows.get(k).descendingIterator(); it.hasNext(); ) {
                Bucket b = it.next();
                n0 += size;
                sum0 += b.sum();
                long n1 = width - n0;
                if (n1 < MIN_SUB_WINDOW) {
                    return Double.NaN;
                }
                if (n0 < MIN_SUB_WINDOW) {
                    continue;
                }
                double diff = (sum - sum0) / n1 - sum0 / n0;
                double inverse = 1.0 / n0 + 1.0 / n1;
                double epsilon = Math.sqrt(2 * inverse * variance * logTerm) + 2.0 / 3 * inverse * logTerm;
                if (Math.abs(diff) > epsilon) {
                    return diff;
                }
            }
        }
        return Double.NaN;
    }
}

package io.streamlearn.monitoring.accuracy;

/**
 * The last {@code size} (predicted, actual) pairs with the counts that accuracy, Cohen's kappa, per-class recall
 * and the class shares need, each updated in O(1) per pair. Classes are indexes 0 .. classes-1. Not thread-safe.
 */
final class WindowedConfusion {
    private final int[] predicted;
    private final int[] actual;
    private final int[] predictedCounts;
    private final int[] actualCounts;
    private final int[] correctByActual;
    private int next;
    private int count;
    private int correct;

    WindowedConfusion(int size, int classes) {
        this.predicted = new int[size];
        this.actual = new int[size];
        this.predictedCounts = new int[classes];
        this.actualCounts = new int[classes];
        this.correctByActual = new int[classes];
    }

    void add(int predictedClass, int actualClass) {
        if (count == predicted.length) {
            count(predicted[next], actual[next], -1);
        } else {
            count++;
        }
        predicted[next] = predictedClass;
        actual[next] = actualClass;
        count(predictedClass, actualClass, 1);
        next = (next + 1) % predicted.length;
    }

    private void count(int p, int a, int delta) {
        predictedCounts[p] += delta;
        actualCounts[a] += delta;
        if (p == a) {
            correct += delta;
            correctByActual[a] += delta;
        }
    }

    int count() {
        return count;
    }

    double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }

    /** Cohen's kappa: accuracy corrected for the agreement expected by chance from the two class distributions. */
    double kappa() {
        if (count == 0) {
            return Double.NaN;
        }
        double n = count;
        double chance = 0;
        for (int c = 0; c < predictedCounts.length; c++) {
            chance += (predictedCounts[c] / n) * (actualCounts[c] / n);
        }
        return chance >= 1 ? Double.NaN : (correct / n - chance) / (1 - chance);
    }

    /** Share of the window's records of class {@code c} that were predicted right; NaN when none is of class c. */
    double recall(int c) {
        return actualCounts[c] == 0 ? Double.NaN : (double) correctByActual[c] / actualCounts[c];
    }

    double predictedShare(int c) {
        return count == 0 ? Double.NaN : (double) predictedCounts[c] / count;
    }

    double actualShare(int c) {
        return count == 0 ? Double.NaN : (double) actualCounts[c] / count;
    }
}

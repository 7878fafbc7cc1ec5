package io.streamlearn.monitoring.accuracy;

/** Accuracy over the last {@code size} outcomes, in O(1) per update. Not thread-safe. */
final class SlidingAccuracy {
    private final boolean[] outcomes;
    private int next;
    private int count;
    private int correct;

    SlidingAccuracy(int size) {
        this.outcomes = new boolean[size];
    }

    void add(boolean isCorrect) {
        if (count == outcomes.length) {
            if (outcomes[next]) {
                correct--;
            }
        } else {
            count++;
        }
        outcomes[next] = isCorrect;
        if (isCorrect) {
            correct++;
        }
        next = (next + 1) % outcomes.length;
    }

    double accuracy() {
        return count == 0 ? Double.NaN : (double) correct / count;
    }
}

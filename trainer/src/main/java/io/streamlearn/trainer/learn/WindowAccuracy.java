package io.streamlearn.trainer.learn;

/** Share of correct predictions among the last {@code size} outcomes; ratio of what was seen while not yet full. */
final class WindowAccuracy {
    private final boolean[] outcomes;
    private int next;
    private int count;
    private int correct;

    WindowAccuracy(int size) {
        outcomes = new boolean[size];
    }

    void add(boolean hit) {
        if (count == outcomes.length) {
            if (outcomes[next]) {
                correct--;
            }
        } else {
            count++;
        }
        outcomes[next] = hit;
        if (hit) {
            correct++;
        }
        next = (next + 1) % outcomes.length;
    }

    double ratio() {
        return count == 0 ? 0.0 : (double) correct / count;
    }
}

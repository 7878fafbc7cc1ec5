package io.streamlearn.trainer.learn;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

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

    void write(DataOutputStream out) throws IOException {
        out.writeInt(outcomes.length);
        out.writeInt(next);
        out.writeInt(count);
        for (boolean outcome : outcomes) {
            out.writeBoolean(outcome);
        }
    }

    void read(DataInputStream in) throws IOException {
        int size = in.readInt();
        if (size != outcomes.length) {
            throw new IOException("accuracy window of " + size + " outcomes, expected " + outcomes.length);
        }
        next = in.readInt();
        count = in.readInt();
        correct = 0;
        for (int i = 0; i < size; i++) {
            outcomes[i] = in.readBoolean();
            if (outcomes[i] && (i < count || count == size)) {
                correct++;
            }
        }
    }
}

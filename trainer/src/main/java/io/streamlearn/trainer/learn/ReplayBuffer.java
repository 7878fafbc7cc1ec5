package io.streamlearn.trainer.learn;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A bounded rehearsal memory: a uniform reservoir sample (Vitter's algorithm R) of every sample offered since the
 * last {@link #clear()}, features already scaled. Replaying some of it with each new mini-batch keeps what was
 * learned earlier from being overwritten and gives every sample a few more gradient steps in a single pass.
 * Storage is one flat float array, allocated once.
 */
final class ReplayBuffer {
    private final int capacity;
    private final int width;
    private final float[] features;
    private final int[] labels;
    private int size;
    private long seen;

    ReplayBuffer(int capacity, int width) {
        if (capacity < 1) {
            throw new IllegalArgumentException("replay capacity must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.width = width;
        this.features = new float[Math.multiplyExact(capacity, width)];
        this.labels = new int[capacity];
    }

    /** Keeps the sample with probability capacity/seen, replacing a random one once full. */
    void offer(float[] source, int sourceOffset, int label, SplitMix64 random) {
        seen++;
        int slot;
        if (size < capacity) {
            slot = size++;
        } else {
            long j = random.nextLong(seen);
            if (j >= capacity) {
                return;
            }
            slot = (int) j;
        }
        System.arraycopy(source, sourceOffset, features, slot * width, width);
        labels[slot] = label;
    }

    /** Copies a uniformly drawn stored sample into {@code target} at {@code targetOffset}; returns its label. */
    int draw(SplitMix64 random, float[] target, int targetOffset) {
        int slot = random.nextInt(size);
        System.arraycopy(features, slot * width, target, targetOffset, width);
        return labels[slot];
    }

    int size() {
        return size;
    }

    void clear() {
        size = 0;
        seen = 0;
    }

    void write(DataOutputStream out) throws IOException {
        out.writeInt(capacity);
        out.writeInt(width);
        out.writeInt(size);
        out.writeLong(seen);
        ByteBuffer bytes = ByteBuffer.allocate(size * width * Float.BYTES);
        bytes.asFloatBuffer().put(features, 0, size * width);
        out.write(bytes.array());
        for (int i = 0; i < size; i++) {
            out.writeInt(labels[i]);
        }
    }

    void read(DataInputStream in) throws IOException {
        int savedCapacity = in.readInt();
        int savedWidth = in.readInt();
        if (savedWidth != width) {
            throw new IOException("replay buffer holds samples of " + savedWidth + " features, the model takes " + width);
        }
        int savedSize = in.readInt();
        long savedSeen = in.readLong();
        if (savedSize > capacity) {
            throw new IOException("the replay buffer of the checkpoint holds " + savedSize + " samples (capacity "
                    + savedCapacity + "), more than the configured capacity " + capacity);
        }
        byte[] bytes = new byte[savedSize * width * Float.BYTES];
        in.readFully(bytes);
        ByteBuffer.wrap(bytes).asFloatBuffer().get(features, 0, savedSize * width);
        for (int i = 0; i < savedSize; i++) {
            labels[i] = in.readInt();
        }
        size = savedSize;
        seen = savedSeen;
    }
}

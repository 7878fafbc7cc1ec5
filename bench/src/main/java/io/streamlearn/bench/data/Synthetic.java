package io.streamlearn.bench.data;

import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The benchmark's data: random 784-feature rows in [0, 1) with uniformly random labels of 10 classes, the same
 * kind that the PyTorch peer generates. Learning them is pointless; costing them is the point.
 */
public final class Synthetic {
    public static final int INPUT_SIZE = 784;
    public static final int CLASSES = 10;

    private Synthetic() {
    }

    public static float[][] features(int rows, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] out = new float[rows][INPUT_SIZE];
        for (float[] row : out) {
            for (int i = 0; i < row.length; i++) {
                row[i] = (float) random.nextDouble();
            }
        }
        return out;
    }

    public static List<Sample> samples(int count, String idPrefix, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] rows = features(count, seed + 1);
        List<Sample> out = new ArrayList<>(count);
        long now = System.currentTimeMillis();
        for (int i = 0; i < count; i++) {
            out.add(sample(idPrefix + i, rows[i], random.nextInt(CLASSES), now));
        }
        return out;
    }

    public static Sample sample(String id, float[] features, int label, long timestampMs) {
        Sample.Builder b = Sample.newBuilder().setId(id).setLabel(label).setTimestampMs(timestampMs);
        for (float f : features) {
            b.addFeatures(f);
        }
        return b.build();
    }

    public static Event event(String id, float[] features, long timestampMs) {
        Event.Builder b = Event.newBuilder().setId(id).setTimestampMs(timestampMs);
        for (float f : features) {
            b.addFeatures(f);
        }
        return b.build();
    }
}

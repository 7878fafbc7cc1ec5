package io.streamlearn.trainer;

import io.streamlearn.common.wire.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Test data: Gaussian blobs, one per class, around well separated random centers; reproducible from a seed. */
public final class Blobs {
    private final float[][] centers;
    private final Random random;

    public Blobs(int classes, int dimensions, long seed) {
        random = new Random(seed);
        centers = new float[classes][dimensions];
        for (float[] center : centers) {
            for (int d = 0; d < dimensions; d++) {
                center[d] = (float) (random.nextDouble() * 6 - 3);
            }
        }
    }

    public Sample next(String id) {
        int label = random.nextInt(centers.length);
        Sample.Builder sample = Sample.newBuilder().setId(id).setLabel(label).setTimestampMs(System.currentTimeMillis());
        for (float c : centers[label]) {
            sample.addFeatures(c + (float) (random.nextGaussian() * 0.5));
        }
        return sample.build();
    }

    public List<Sample> take(int n) {
        List<Sample> samples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            samples.add(next("s" + i));
        }
        return samples;
    }

    public static float[][] features(List<Sample> samples) {
        float[][] x = new float[samples.size()][];
        for (int i = 0; i < x.length; i++) {
            List<Float> f = samples.get(i).getFeaturesList();
            x[i] = new float[f.size()];
            for (int j = 0; j < f.size(); j++) {
                x[i][j] = f.get(j);
            }
        }
        return x;
    }
}

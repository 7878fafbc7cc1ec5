package io.streamlearn.app.local;

import ai.onnxruntime.OrtEnvironment;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.scorer.model.OnnxModel;

/** Accuracy of a published snapshot on a labeled dataset, scored through ONNX Runtime exactly as the scorer does. */
public final class FinalEvaluation {
    private static final int BATCH = 500;

    private FinalEvaluation() {
    }

    public static double accuracy(ModelSnapshot snapshot, Dataset data) throws Exception {
        long correct = 0;
        try (OnnxModel model = OnnxModel.load(OrtEnvironment.getEnvironment(), snapshot, data.inputSize())) {
            for (int from = 0; from < data.size(); from += BATCH) {
                int to = Math.min(data.size(), from + BATCH);
                float[][] batch = java.util.Arrays.copyOfRange(data.features(), from, to);
                float[][] probabilities = model.predict(batch);
                for (int i = 0; i < probabilities.length; i++) {
                    if (argmax(probabilities[i]) == data.labels()[from + i]) {
                        correct++;
                    }
                }
            }
        }
        return (double) correct / data.size();
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}

package io.streamlearn.trainer.learn;

import java.nio.FloatBuffer;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;

/**
 * DL4J's Adam step, applied to the network's own flat parameter array and its updater's own state array (for each
 * updater block: m then v over the block's parameters, DL4J's layout), with each block's learning rate, betas and
 * epsilon as DL4J configured them. The arithmetic is that of libnd4j's {@code adam_updater} kernel followed by DL4J's
 * {@code params -= update}, in float32 and in the same order, so it gives the same numbers; but it runs as one
 * vectorizable Java loop over chunks copied to the heap, about 10x faster here than the native op on
 * 80,000 parameters (whose strided fallback path DL4J's mixed-order views hit).
 */
final class FlatAdam {
    private static final int CHUNK = 2048;
    private final float[] p = new float[CHUNK];
    private final float[] g = new float[CHUNK];
    private final float[] m = new float[CHUNK];
    private final float[] v = new float[CHUNK];
    private INDArray boundParams;
    private FloatBuffer params;
    private INDArray boundState;
    private FloatBuffer state;

    /** One Adam step for every updater block, with the gradient in {@code gradient} (DL4J's parameter layout). */
    void apply(MultiLayerNetwork network, FloatBuffer gradient) {
        Updater updater = network.getUpdater();
        bind(network.params(), updater.getStateViewArray());
        int iteration = network.getIterationCount();
        int epoch = network.getEpochCount();
        for (UpdaterBlock block : ((BaseMultiLayerUpdater<?>) updater).getUpdaterBlocks()) {
            Adam adam = (Adam) block.getGradientUpdater().getConfig();
            int start = block.getParamOffsetStart();
            int length = block.getParamOffsetEnd() - start;
            int stateStart = block.getUpdaterViewOffsetStart();
            if (block.getUpdaterViewOffsetEnd() - stateStart != 2 * length) {
                throw new IllegalStateException("Adam block with " + length + " parameters has "
                        + (block.getUpdaterViewOffsetEnd() - stateStart) + " state values");
            }
            update(gradient, start, length, stateStart, adam.getLearningRate(iteration, epoch), adam.getBeta1(),
                    adam.getBeta2(), adam.getEpsilon(), iteration);
        }
    }

    private void bind(INDArray paramArray, INDArray stateArray) {
        if (paramArray != boundParams) {
            params = DenseTrainingStep.floats(paramArray);
            boundParams = paramArray;
        }
        if (stateArray != boundState) {
            state = DenseTrainingStep.floats(stateArray);
            boundState = stateArray;
        }
    }

    private void update(FloatBuffer gradient, int start, int length, int stateStart, double learningRate,
                        double beta1d, double beta2d, double epsilond, int iteration) {
        // As libnd4j's adamUpdater_<float>: every input cast to float, bias correction folded into the step size.
        float lr = (float) learningRate;
        float beta1 = (float) beta1d;
        float beta2 = (float) beta2d;
        float epsilon = (float) epsilond;
        float t = (float) iteration + 1;
        float beta1T = (float) Math.pow(beta1, t);
        float beta2T = (float) Math.pow(beta2, t);
        float step = (float) ((lr * (float) Math.sqrt((float) (1.0 - beta2T))) / (1.0 - beta1T));
        if (Float.isNaN(step) || step == 0 || Float.isInfinite(step)) {
            step = epsilon;
        }
        float c1 = 1 - beta1;
        float c2 = 1 - beta2;
        for (int off = 0; off < length; off += CHUNK) {
            int n = Math.min(CHUNK, length - off);
            int mAt = stateStart + off;
            int vAt = stateStart + length + off;
            params.get(start + off, p, 0, n);
            gradient.get(start + off, g, 0, n);
            state.get(mAt, m, 0, n);
            state.get(vAt, v, 0, n);
            for (int i = 0; i < n; i++) {
                float gi = g[i];
                float mi = beta1 * m[i] + gi * c1;
                float vi = beta2 * v[i] + gi * gi * c2;
                m[i] = mi;
                v[i] = vi;
                p[i] = p[i] - (mi * step) / ((float) Math.sqrt(vi) + epsilon);
            }
            params.put(start + off, p, 0, n);
            state.put(mAt, m, 0, n);
            state.put(vAt, v, 0, n);
        }
    }
}

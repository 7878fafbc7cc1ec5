package io.streamlearn.trainer.learn;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One {@code MultiLayerNetwork.fit(x, y)} on a plain dense stack ({@link DenseStackSupport}), computed directly on the
 * network's own parameter views and updater state so that DL4J stays the source of truth (checkpoints, learning
 * rates, iteration count, export): forward, softmax + MCXENT, backward and {@link FlatAdam}, with the three matrix
 * products per layer done by BLAS into preallocated off-heap buffers (views of their first rows for smaller steps)
 * and the small element-wise work (bias, ReLU, softmax, loss, bias gradients) in Java on heap copies, which costs
 * less here than one ND4J op call each. Other hidden activations run through their own DL4J implementation.
 * The forward pass also yields the predicted classes, from the parameters before the update (test-then-train).
 */
final class DenseTrainingStep implements AutoCloseable {
    private final MultiLayerNetwork network;
    private final int layers;
    private final int maxRows;
    private final int inputSize;
    private final int[] widths;
    private final IActivation[] activations;
    private final boolean[] plainRelu;
    private final long[] biasOffsets;
    private final INDArray input;
    private final INDArray[] pre;
    private final INDArray[] post;
    private final INDArray[] epsilon;
    private final INDArray gradient;
    private final INDArray[] weightGradients;
    private final FloatBuffer gradientFloats;
    private final FloatBuffer inputFloats;
    private final FloatBuffer[] preFloats;
    private final FloatBuffer[] postFloats;
    private final FloatBuffer[] epsilonFloats;
    private final float[][] heapPre;
    private final float[] heapWork;
    private final float[] biasSums;
    private final Rows[] rowViews;
    private final FlatAdam adam = new FlatAdam();
    private INDArray boundParams;
    private FloatBuffer paramFloats;

    /** Array views over the first rows of each buffer. */
    private record Rows(INDArray input, INDArray[] pre, INDArray[] post, INDArray[] epsilon) {
    }

    DenseTrainingStep(MultiLayerNetwork network, int maxRows) {
        String reason = DenseStackSupport.unsupportedReason(network);
        if (reason != null) {
            throw new IllegalArgumentException("not a plain dense stack: " + reason);
        }
        this.network = network;
        this.layers = network.getnLayers();
        this.maxRows = maxRows;
        this.inputSize = Math.toIntExact(((FeedForwardLayer) network.getLayerWiseConfigurations().getConf(0).getLayer()).getNIn());
        this.widths = new int[layers];
        this.activations = new IActivation[layers];
        this.plainRelu = new boolean[layers];
        this.biasOffsets = new long[layers];
        this.pre = new INDArray[layers];
        this.post = new INDArray[layers];
        this.epsilon = new INDArray[layers];
        this.preFloats = new FloatBuffer[layers];
        this.postFloats = new FloatBuffer[layers];
        this.epsilonFloats = new FloatBuffer[layers];
        this.heapPre = new float[layers][];
        this.weightGradients = new INDArray[layers];
        try {
            this.input = Nd4j.create(DataType.FLOAT, maxRows, inputSize);
            this.inputFloats = floats(input);
            this.gradient = Nd4j.create(DataType.FLOAT, 1, network.numParams());
            this.gradientFloats = floats(gradient);
            INDArray flat = gradient.reshape(gradient.length());
            long offset = 0;
            int widest = 0;
            for (int i = 0; i < layers; i++) {
                FeedForwardLayer conf = (FeedForwardLayer) network.getLayerWiseConfigurations().getConf(i).getLayer();
                int in = Math.toIntExact(conf.getNIn());
                int out = Math.toIntExact(conf.getNOut());
                widths[i] = out;
                widest = Math.max(widest, out);
                activations[i] = conf.getActivationFn();
                plainRelu[i] = isPlainRelu(activations[i]);
                INDArray w = network.getLayer(i).getParam("W");
                weightGradients[i] = flat.get(NDArrayIndex.interval(offset, offset + (long) in * out))
                        .reshape(w.ordering(), in, out);
                offset += (long) in * out;
                biasOffsets[i] = offset;
                offset += out;
                pre[i] = Nd4j.create(DataType.FLOAT, maxRows, out);
                preFloats[i] = floats(pre[i]);
                heapPre[i] = new float[maxRows * out];
                if (i < layers - 1) {
                    post[i] = Nd4j.create(DataType.FLOAT, maxRows, out);
                    postFloats[i] = floats(post[i]);
                    epsilon[i] = Nd4j.create(DataType.FLOAT, maxRows, out);
                    epsilonFloats[i] = floats(epsilon[i]);
                }
            }
            if (offset != network.numParams()) {
                throw new IllegalStateException("layer shapes give " + offset + " parameters, the network has "
                        + network.numParams());
            }
            this.heapWork = new float[maxRows * widest];
            this.biasSums = new float[widest];
            this.rowViews = new Rows[maxRows + 1];
        } catch (RuntimeException e) {
            close(); // what was allocated before the failure
            throw e;
        }
    }

    private static boolean isPlainRelu(IActivation activation) {
        if (activation.getClass() != ActivationReLU.class) {
            return false;
        }
        ActivationReLU relu = (ActivationReLU) activation;
        return relu.getMax() == null && relu.getThreshold() == null && relu.getNegativeSlope() == null;
    }

    /**
     * One gradient step on rows {@code [0, rows)}: features row-major in {@code features}, classes in {@code targets}.
     * When {@code predicted} is not null, its first {@code predictRows} entries get the classes the network predicted
     * for those rows before the step. Returns the step's loss as {@code network.score()} gives it after {@code fit}.
     */
    double step(float[] features, int[] targets, int rows, int[] predicted, int predictRows) {
        if (rows < 1 || rows > maxRows) {
            throw new IllegalArgumentException(rows + " rows, this step takes 1 to " + maxRows);
        }
        Rows view = rows(rows);
        inputFloats.put(0, features, 0, rows * inputSize);
        INDArray h = view.input();
        for (int i = 0; i < layers - 1; i++) {
            Nd4j.gemm(h, network.getLayer(i).getParam("W"), view.pre()[i], false, false, 1.0, 0.0);
            hiddenForward(i, rows, view);
            h = view.post()[i];
        }
        int out = layers - 1;
        Nd4j.gemm(h, network.getLayer(out).getParam("W"), view.pre()[out], false, false, 1.0, 0.0);
        double loss = softmaxLossAndDelta(rows, targets, predicted, predictRows);
        INDArray delta = view.pre()[out];
        for (int i = out; i >= 0; i--) {
            Layer layer = network.getLayer(i);
            INDArray below = i == 0 ? view.input() : view.post()[i - 1];
            Nd4j.gemm(below, delta, weightGradients[i], true, false, 1.0, 0.0);
            if (i > 0) {
                Nd4j.gemm(delta, layer.getParam("W"), view.epsilon()[i - 1], false, true, 1.0, 0.0);
                delta = hiddenBackward(i - 1, rows, view);
            }
        }
        adam.apply(network, gradientFloats);
        network.setIterationCount(network.getIterationCount() + 1);
        network.setScore(loss);
        return loss;
    }

    /** pre += b, then post = activation(pre); a plain ReLU in Java, keeping pre on the heap for the backward pass. */
    private void hiddenForward(int i, int rows, Rows view) {
        int width = widths[i];
        int count = rows * width;
        float[] z = heapPre[i];
        preFloats[i].get(0, z, 0, count);
        params().get(Math.toIntExact(biasOffsets[i]), biasSums, 0, width);
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            for (int c = 0; c < width; c++) {
                z[base + c] += biasSums[c];
            }
        }
        if (plainRelu[i]) {
            float[] a = heapWork;
            for (int k = 0; k < count; k++) {
                a[k] = z[k] > 0 ? z[k] : 0f;
            }
            postFloats[i].put(0, a, 0, count);
        } else {
            preFloats[i].put(0, z, 0, count);
            view.post()[i].assign(view.pre()[i]);
            activations[i].getActivation(view.post()[i], true);
        }
    }

    /** delta = epsilon * activation'(pre), and its column sums as the bias gradient; returns delta. */
    private INDArray hiddenBackward(int i, int rows, Rows view) {
        int width = widths[i];
        int count = rows * width;
        float[] e = heapWork;
        INDArray delta;
        if (plainRelu[i]) {
            float[] z = heapPre[i];
            epsilonFloats[i].get(0, e, 0, count);
            for (int k = 0; k < count; k++) {
                if (!(z[k] > 0)) {
                    e[k] = 0f;
                }
            }
            epsilonFloats[i].put(0, e, 0, count);
            delta = view.epsilon()[i];
        } else {
            delta = activations[i].backprop(view.pre()[i], view.epsilon()[i]).getFirst();
            floats(delta).get(0, e, 0, count);
        }
        columnSums(e, rows, width, biasOffsets[i]);
        return delta;
    }

    /**
     * Bias, softmax, predicted classes, MCXENT loss (DL4J's: probabilities clipped at 1e-10 for the log, averaged
     * over rows) and the output delta (p - y) / rows, written back over the output buffer; the bias gradient too.
     */
    private double softmaxLossAndDelta(int rows, int[] targets, int[] predicted, int predictRows) {
        int out = layers - 1;
        int width = widths[out];
        int count = rows * width;
        float[] z = heapPre[out];
        preFloats[out].get(0, z, 0, count);
        float[] bias = heapWork;
        params().get(Math.toIntExact(biasOffsets[out]), bias, 0, width);
        double logSum = 0;
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < width; c++) {
                float v = z[base + c] + bias[c];
                z[base + c] = v;
                max = Math.max(max, v);
            }
            float sum = 0;
            for (int c = 0; c < width; c++) {
                float ex = (float) Math.exp(z[base + c] - max);
                z[base + c] = ex;
                sum += ex;
            }
            int best = 0;
            for (int c = 0; c < width; c++) {
                z[base + c] /= sum;
                if (z[base + c] > z[base + best]) {
                    best = c;
                }
            }
            if (predicted != null && r < predictRows) {
                predicted[r] = best;
            }
            int target = targets[r];
            logSum += (float) Math.log(Math.max(z[base + target], 1e-10f));
            for (int c = 0; c < width; c++) {
                float d = c == target ? z[base + c] - 1f : z[base + c];
                z[base + c] = d / rows;
            }
        }
        preFloats[out].put(0, z, 0, count);
        columnSums(z, rows, width, biasOffsets[out]);
        return -logSum / rows;
    }

    /** The network's flat parameters (rebound if DL4J replaced the array). */
    private FloatBuffer params() {
        INDArray current = network.params();
        if (current != boundParams) {
            paramFloats = floats(current);
            boundParams = current;
        }
        return paramFloats;
    }

    private void columnSums(float[] values, int rows, int width, long gradientOffset) {
        float[] sums = biasSums;
        Arrays.fill(sums, 0, width, 0f);
        for (int r = 0; r < rows; r++) {
            int base = r * width;
            for (int c = 0; c < width; c++) {
                sums[c] += values[base + c];
            }
        }
        gradientFloats.put(Math.toIntExact(gradientOffset), sums, 0, width);
    }

    private Rows rows(int rows) {
        Rows view = rowViews[rows];
        if (view == null) {
            INDArray[] p = new INDArray[layers];
            INDArray[] a = new INDArray[layers];
            INDArray[] e = new INDArray[layers];
            for (int i = 0; i < layers; i++) {
                p[i] = firstRows(pre[i], rows);
                if (i < layers - 1) {
                    a[i] = firstRows(post[i], rows);
                    e[i] = firstRows(epsilon[i], rows);
                }
            }
            view = new Rows(firstRows(input, rows), p, a, e);
            rowViews[rows] = view;
        }
        return view;
    }

    private INDArray firstRows(INDArray buffer, int rows) {
        return rows == maxRows ? buffer : buffer.get(NDArrayIndex.interval(0, rows), NDArrayIndex.all());
    }

    /** The float buffer behind a contiguous array (absolute indexes count from the start of its allocation). */
    static FloatBuffer floats(INDArray array) {
        if (array.dataType() != DataType.FLOAT || array.offset() != 0 || array.elementWiseStride() != 1) {
            throw new IllegalStateException("expected a contiguous float array from its start, got " + array.shapeInfoToString());
        }
        return array.data().asNioFloat();
    }

    @Override
    public void close() {
        closeIfAllocated(input);
        closeIfAllocated(gradient);
        for (int i = 0; i < layers; i++) {
            closeIfAllocated(pre[i]);
            closeIfAllocated(post[i]);
            closeIfAllocated(epsilon[i]);
        }
    }

    /** The constructor closes what it allocated when it fails part way, so any buffer may still be missing. */
    private static void closeIfAllocated(INDArray array) {
        if (array != null) {
            array.close();
        }
    }
}

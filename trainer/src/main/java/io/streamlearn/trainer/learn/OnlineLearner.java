package io.streamlearn.trainer.learn;

import io.streamlearn.common.wire.Sample;
import io.streamlearn.trainer.onnx.OnnxExporter;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Prequential (test-then-train) mini-batch learner: each buffered batch is first predicted with the current
 * model, counting hits, then fitted. Samples are copied into preallocated float buffers; the batch's INDArrays
 * are created once and closed right after (off-heap memory is otherwise freed only by the GC).
 * Confined to one thread (a {@code MultiLayerNetwork} is not thread-safe); the counters may be read from any thread.
 */
public final class OnlineLearner {
    /** Samples behind {@link #windowAccuracy()}. */
    public static final int WINDOW = 1000;

    private final MultiLayerNetwork network;
    private final IActivation[] activations;
    private final int inputSize;
    private final int classes;
    private final int batchSize;
    private final float[] features;
    private final float[] labels;
    private final int[] targets;
    private final WindowAccuracy window = new WindowAccuracy(WINDOW);
    private int buffered;
    private long correct;

    private volatile long samplesLearned;
    private volatile long batches;
    private volatile double lastLoss = Double.NaN;
    private volatile double prequentialAccuracy;
    private volatile double windowAccuracy;

    public OnlineLearner(MultiLayerNetwork network, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        }
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        OnnxExporter.checkSupported(conf); // the same plain dense stack that predict() evaluates
        this.network = network;
        this.activations = conf.getConfs().stream()
                .map(c -> ((FeedForwardLayer) c.getLayer()).getActivationFn()).toArray(IActivation[]::new);
        this.inputSize = Math.toIntExact(((FeedForwardLayer) conf.getConf(0).getLayer()).getNIn());
        this.classes = network.layerSize(network.getnLayers() - 1);
        this.batchSize = batchSize;
        this.features = new float[batchSize * inputSize];
        this.labels = new float[batchSize * classes];
        this.targets = new int[batchSize];
    }

    /** Buffers one sample for the next batch; the caller has checked its feature count and label. */
    public void add(Sample sample) {
        if (buffered == batchSize) {
            throw new IllegalStateException("batch is full: call learn() first");
        }
        if (sample.getFeaturesCount() != inputSize || sample.getLabel() < 0 || sample.getLabel() >= classes) {
            throw new IllegalArgumentException("sample " + sample.getId() + " has " + sample.getFeaturesCount()
                    + " features and label " + sample.getLabel() + "; expected " + inputSize + " features and a label < " + classes);
        }
        int base = buffered * inputSize;
        for (int i = 0; i < inputSize; i++) {
            features[base + i] = sample.getFeatures(i);
        }
        targets[buffered] = sample.getLabel();
        labels[buffered * classes + sample.getLabel()] = 1f;
        buffered++;
    }

    public boolean isFull() {
        return buffered == batchSize;
    }

    public int buffered() {
        return buffered;
    }

    /** Predicts, then fits the buffered samples (a partial batch too); does nothing when none are buffered. */
    public void learn() {
        if (buffered == 0) {
            return;
        }
        int n = buffered;
        try (INDArray x = matrix(features, n, inputSize); INDArray y = matrix(labels, n, classes)) {
            int hits = countHits(x, n);
            network.fit(x, y);
            record(n, hits, network.score());
        } finally {
            for (int i = 0; i < n; i++) {
                labels[i * classes + targets[i]] = 0f;
            }
            buffered = 0;
        }
    }

    /** A new off-heap matrix holding the first rows of the buffer (bulk copy; no zero-fill, no per-element writes). */
    private static INDArray matrix(float[] buffer, int rows, int columns) {
        INDArray matrix = Nd4j.createUninitialized(DataType.FLOAT, rows, columns);
        matrix.data().asNioFloat().put(buffer, 0, rows * columns);
        return matrix;
    }

    private int countHits(INDArray x, int n) {
        int[] predicted = predict(x);
        int hits = 0;
        for (int row = 0; row < n; row++) {
            boolean hit = predicted[row] == targets[row];
            window.add(hit);
            if (hit) {
                hits++;
            }
        }
        return hits;
    }

    /**
     * The predicted class per row: the inference forward pass (no dropout) on the layers' parameters with their own
     * activation functions, as {@code network.output(x, false)} computes it but without its per-call overhead
     * (which measured here about as costly as the fit itself).
     */
    private int[] predict(INDArray x) {
        INDArray h = x;
        try {
            for (int i = 0; i < activations.length; i++) {
                Layer layer = network.getLayer(i);
                INDArray z = h.mmul(layer.getParam("W"));
                if (h != x) {
                    h.close();
                }
                h = z;
                INDArray bias = layer.getParam("b");
                if (bias != null) {
                    z.addiRowVector(bias);
                }
                activations[i].getActivation(z, false);
            }
            try (INDArray best = Nd4j.argMax(h, 1)) {
                return best.toIntVector();
            }
        } finally {
            if (h != x) {
                h.close();
            }
        }
    }

    private void record(int n, int hits, double loss) {
        correct += hits;
        samplesLearned += n;
        batches++;
        lastLoss = loss;
        prequentialAccuracy = (double) correct / samplesLearned;
        windowAccuracy = window.ratio();
    }

    /** The live network; only the learning thread may use it (e.g. to export a snapshot between batches). */
    public MultiLayerNetwork network() {
        return network;
    }

    public int inputSize() {
        return inputSize;
    }

    public int classes() {
        return classes;
    }

    public long samplesLearned() {
        return samplesLearned;
    }

    public long batches() {
        return batches;
    }

    /** Loss of the last fitted batch; NaN before the first. */
    public double lastLoss() {
        return lastLoss;
    }

    /** Share of samples predicted correctly before they were learned, since the start. */
    public double prequentialAccuracy() {
        return prequentialAccuracy;
    }

    /** Like {@link #prequentialAccuracy()} over the last {@link #WINDOW} samples. */
    public double windowAccuracy() {
        return windowAccuracy;
    }
}

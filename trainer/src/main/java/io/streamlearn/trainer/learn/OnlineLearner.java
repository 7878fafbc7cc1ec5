package io.streamlearn.trainer.learn;

import io.streamlearn.common.wire.Sample;
import io.streamlearn.trainer.onnx.InputScaling;
import io.streamlearn.trainer.onnx.OnnxExporter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prequential (test-then-train) mini-batch learner: each buffered batch is first predicted with the current
 * model, counting hits, then learned with {@link LearnerOptions#updatesPerBatch()} gradient steps, each on the new
 * samples plus some replayed from a {@link ReplayBuffer}; the learning rate follows a linear decay, raised for a
 * while after a drift reset. Samples are copied (scaled) into preallocated float buffers.
 * <p>Plain dense stacks (the trainer's networks, see {@link DenseStackSupport}) learn through a
 * {@link DenseTrainingStep} on the network's own parameters and optimizer state, whose first forward pass also gives
 * the predictions (same parameters, same classes as a separate prediction pass); any other network through
 * {@code network.fit} after a separate prediction pass, with each step's INDArrays created and closed right after
 * (off-heap memory is otherwise freed only by the GC). Decided once, at construction.
 * Confined to one thread (a {@code MultiLayerNetwork} is not thread-safe); the counters may be read from any thread.
 * {@link #writeState}/{@link #readState} save and restore everything that shapes what it learns next.
 */
public final class OnlineLearner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OnlineLearner.class);
    /** Samples behind {@link #windowAccuracy()}. */
    public static final int WINDOW = 1000;
    /** Samples between learning-rate changes of the schedule: each change rebuilds DL4J's updater blocks. */
    static final int RATE_STEP = 1000;
    private static final int STATE_FORMAT = 1;

    private final MultiLayerNetwork network;
    private final LearnerOptions options;
    private final IActivation[] activations;
    private final int inputSize;
    private final int classes;
    private final int outputLayer;
    private final double initialRate;
    private final float[] features;
    private final float[] labels;
    /** Class of each row of {@link #features}: the new samples, then the replayed ones of the current step. */
    private final int[] targets;
    private final int[] predicted;
    private final DenseTrainingStep fastStep;
    private boolean closed;
    private final long[] ids;
    private final boolean[] outcomes;
    private int lastBatch;
    private final ReplayBuffer replay;
    private final SplitMix64 random;
    private final WindowAccuracy window = new WindowAccuracy(WINDOW);
    private int buffered;
    private long correct;
    private long digest;
    private long boostLeft;
    private double boostFactor = 1;
    private double boostOutputFactor = 1;
    private double appliedRate;
    private double appliedOutputRate;

    private volatile long samplesLearned;
    private volatile long batches;
    private volatile double lastLoss = Double.NaN;
    private volatile double prequentialAccuracy;
    private volatile double windowAccuracy;
    private volatile double learningRate;

    /** Plain one-pass learning ({@link LearnerOptions#plain}). */
    public OnlineLearner(MultiLayerNetwork network, int batchSize) {
        this(network, LearnerOptions.plain(batchSize));
    }

    public OnlineLearner(MultiLayerNetwork network, LearnerOptions options) {
        this(network, options, true);
    }

    /** With {@code denseStep} false, always {@code network.fit} (the reference the dense step is tested against). */
    OnlineLearner(MultiLayerNetwork network, LearnerOptions options, boolean denseStep) {
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        OnnxExporter.checkSupported(conf); // the same plain dense stack that predict() evaluates
        this.network = network;
        this.options = options;
        this.activations = conf.getConfs().stream()
                .map(c -> ((FeedForwardLayer) c.getLayer()).getActivationFn()).toArray(IActivation[]::new);
        this.inputSize = Math.toIntExact(((FeedForwardLayer) conf.getConf(0).getLayer()).getNIn());
        this.outputLayer = network.getnLayers() - 1;
        this.classes = network.layerSize(outputLayer);
        Double rate = network.getLearningRate(0);
        if (rate == null) {
            throw new IllegalArgumentException("the network's updater has no learning rate");
        }
        this.initialRate = rate;
        int rows = options.batchSize() + (options.replayCapacity() > 0 ? options.replayPerBatch() : 0);
        this.features = new float[rows * inputSize];
        this.labels = new float[rows * classes];
        this.targets = new int[rows];
        this.predicted = new int[options.batchSize()];
        this.ids = new long[options.batchSize()];
        this.outcomes = new boolean[options.batchSize()];
        this.replay = options.replayCapacity() > 0 ? new ReplayBuffer(options.replayCapacity(), inputSize) : null;
        this.random = new SplitMix64(options.seed());
        this.learningRate = initialRate;
        this.appliedRate = initialRate;
        this.appliedOutputRate = initialRate;
        String unsupported = denseStep ? DenseStackSupport.unsupportedReason(network) : "the dense step turned off";
        this.fastStep = unsupported == null ? new DenseTrainingStep(network, rows) : null;
        if (fastStep != null) {
            log.info("learning step: in-place dense step on the network's parameters (up to {} rows)", rows);
        } else {
            log.info("learning step: MultiLayerNetwork.fit ({})", unsupported);
        }
    }

    /** Buffers one sample for the next batch; the caller has checked its feature count and label. */
    public void add(Sample sample) {
        if (buffered == options.batchSize()) {
            throw new IllegalStateException("batch is full: call learn() first");
        }
        if (sample.getFeaturesCount() != inputSize || sample.getLabel() < 0 || sample.getLabel() >= classes) {
            throw new IllegalArgumentException("sample " + sample.getId() + " has " + sample.getFeaturesCount()
                    + " features and label " + sample.getLabel() + "; expected " + inputSize + " features and a label < " + classes);
        }
        int base = buffered * inputSize;
        InputScaling scaling = options.inputScaling();
        if (scaling.isIdentity()) {
            for (int i = 0; i < inputSize; i++) {
                features[base + i] = sample.getFeatures(i);
            }
        } else {
            for (int i = 0; i < inputSize; i++) {
                features[base + i] = scaling.apply(sample.getFeatures(i));
            }
        }
        targets[buffered] = sample.getLabel();
        labels[buffered * classes + sample.getLabel()] = 1f;
        ids[buffered] = SampleDigest.of(sample.getIdBytes());
        buffered++;
    }

    public boolean isFull() {
        return buffered == options.batchSize();
    }

    public int buffered() {
        return buffered;
    }

    /** Predicts, then learns the buffered samples (a partial batch too); does nothing when none are buffered. */
    public void learn() {
        if (closed) {
            throw new IllegalStateException("the learner is closed");
        }
        if (buffered == 0) {
            return;
        }
        int n = buffered;
        try {
            int hits;
            double loss;
            if (fastStep != null) {
                applyLearningRate();
                loss = Double.NaN;
                for (int update = 0; update < options.updatesPerBatch(); update++) {
                    loss = fastStep.step(features, targets, drawReplay(n), update == 0 ? predicted : null, n);
                }
                hits = countHits(predicted, n);
            } else {
                try (INDArray x = matrix(features, n, inputSize)) {
                    hits = countHits(predict(x), n);
                }
                applyLearningRate();
                for (int update = 0; update < options.updatesPerBatch(); update++) {
                    fit(n);
                }
                loss = network.score();
            }
            remember(n);
            record(n, hits, loss);
        } finally {
            for (int i = 0; i < n; i++) {
                labels[i * classes + targets[i]] = 0f;
            }
            buffered = 0;
        }
    }

    /**
     * Copies replayed samples (once there is a replay buffer to draw from) after the n new ones into the feature
     * buffer, their classes into {@link #targets}; returns the rows of the step.
     */
    private int drawReplay(int n) {
        int replayed = replay == null ? 0 : Math.min(options.replayPerBatch(), replay.size());
        for (int r = 0; r < replayed; r++) {
            targets[n + r] = replay.draw(random, features, (n + r) * inputSize);
        }
        return n + replayed;
    }

    /** One {@code network.fit} on the n new samples and the replayed ones. */
    private void fit(int n) {
        int rows = drawReplay(n);
        for (int row = n; row < rows; row++) {
            labels[row * classes + targets[row]] = 1f;
        }
        try (INDArray x = matrix(features, rows, inputSize); INDArray y = matrix(labels, rows, classes)) {
            network.fit(x, y);
        } finally {
            for (int row = n; row < rows; row++) {
                labels[row * classes + targets[row]] = 0f;
            }
        }
    }

    /** Offers the new samples to the replay buffer, after they were learned (replays are always older samples). */
    private void remember(int n) {
        if (replay == null) {
            return;
        }
        for (int i = 0; i < n; i++) {
            replay.offer(features, i * inputSize, targets[i], random);
        }
    }

    /** A new off-heap matrix holding the first rows of the buffer (bulk copy; no zero-fill, no per-element writes). */
    private static INDArray matrix(float[] buffer, int rows, int columns) {
        INDArray matrix = Nd4j.createUninitialized(DataType.FLOAT, rows, columns);
        matrix.data().asNioFloat().put(buffer, 0, rows * columns);
        return matrix;
    }

    private int countHits(int[] predicted, int n) {
        int hits = 0;
        for (int row = 0; row < n; row++) {
            boolean hit = predicted[row] == targets[row];
            outcomes[row] = hit;
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
        for (int i = 0; i < n; i++) {
            digest += ids[i];
        }
        boostLeft = Math.max(0, boostLeft - n);
        lastBatch = n;
        samplesLearned += n;
        batches++;
        lastLoss = loss;
        prequentialAccuracy = (double) correct / samplesLearned;
        windowAccuracy = window.ratio();
    }

    /** The scheduled rate for the samples learned so far, stepped every {@link #RATE_STEP} samples. */
    double scheduledRate(long learned) {
        long decay = options.decaySamples();
        if (decay == 0) {
            return initialRate;
        }
        double progress = Math.min(1.0, (double) (learned / RATE_STEP * RATE_STEP) / decay);
        return initialRate + (Math.min(options.minLearningRate(), initialRate) - initialRate) * progress;
    }

    /** Sets the layers' rates when the schedule or the boost changed them (a change rebuilds the updater blocks). */
    private void applyLearningRate() {
        double rate = scheduledRate(samplesLearned);
        boolean boosted = boostLeft > 0;
        double hidden = boosted ? rate * boostFactor : rate;
        double output = boosted ? rate * boostOutputFactor : rate;
        if (hidden == appliedRate && output == appliedOutputRate) {
            return;
        }
        if (hidden == output) {
            network.setLearningRate(hidden);
        } else {
            for (int i = 0; i < network.getnLayers(); i++) {
                network.setLearningRate(i, i == outputLayer ? output : hidden);
            }
        }
        appliedRate = hidden;
        appliedOutputRate = output;
        learningRate = hidden;
    }

    /**
     * Reacts to a concept drift: forgets the optimizer's moments (and restarts its bias correction), empties the
     * replay buffer (it holds the old concept), and multiplies the learning rate of the hidden layers by
     * {@code factor} and of the output layer by {@code outputFactor} for the next {@code samples} samples. Relearning
     * the output layer fast while the hidden features change more slowly measured best on a label permutation.
     */
    public void resetForDrift(double factor, double outputFactor, long samples) {
        INDArray state = network.getUpdater().getStateViewArray();
        if (state != null) {
            state.assign(0);
        }
        network.setIterationCount(0);
        if (replay != null) {
            replay.clear();
        }
        boostFactor = factor;
        boostOutputFactor = outputFactor;
        boostLeft = samples;
    }

    /**
     * Writes the network's parameters and optimizer state, the counters, the accuracy window, the random state, the
     * learning-rate boost and the replay buffer: all a restored learner needs to continue exactly as this one would.
     */
    public void writeState(DataOutputStream out) throws IOException {
        if (buffered != 0) {
            throw new IllegalStateException(buffered + " samples are buffered but not learned: learn() first");
        }
        out.writeInt(STATE_FORMAT);
        out.writeInt(inputSize);
        out.writeInt(classes);
        out.writeLong(samplesLearned);
        out.writeLong(correct);
        out.writeLong(batches);
        out.writeDouble(lastLoss);
        out.writeLong(digest);
        out.writeInt(network.getIterationCount());
        out.writeInt(network.getEpochCount());
        out.writeLong(random.state());
        out.writeLong(boostLeft);
        out.writeDouble(boostFactor);
        out.writeDouble(boostOutputFactor);
        window.write(out);
        writeFloats(out, network.params());
        INDArray updater = network.getUpdater().getStateViewArray();
        writeFloats(out, updater == null ? Nd4j.empty(DataType.FLOAT) : updater);
        out.writeBoolean(replay != null);
        if (replay != null) {
            replay.write(out);
        }
    }

    /** Restores what {@link #writeState} wrote into this learner, built with the same network shape and optimizer. */
    public void readState(DataInputStream in) throws IOException {
        int format = in.readInt();
        if (format != STATE_FORMAT) {
            throw new IOException("learner state format " + format + ", this version reads " + STATE_FORMAT);
        }
        int savedInputs = in.readInt();
        int savedClasses = in.readInt();
        if (savedInputs != inputSize || savedClasses != classes) {
            throw new IOException("the saved model takes " + savedInputs + " features and has " + savedClasses
                    + " classes, the configured one " + inputSize + " and " + classes);
        }
        samplesLearned = in.readLong();
        correct = in.readLong();
        batches = in.readLong();
        lastLoss = in.readDouble();
        digest = in.readLong();
        network.setIterationCount(in.readInt());
        network.setEpochCount(in.readInt());
        random.restore(in.readLong());
        boostLeft = in.readLong();
        boostFactor = in.readDouble();
        boostOutputFactor = in.readDouble();
        window.read(in);
        float[] params = readFloats(in);
        if (params.length != network.numParams()) {
            throw new IOException("the saved model has " + params.length + " parameters, the configured network "
                    + network.numParams() + " (were hidden.layers changed?)");
        }
        try (INDArray p = Nd4j.create(params, new long[] {1, params.length}, DataType.FLOAT)) {
            network.setParams(p);
        }
        // The rates decide how DL4J groups the optimizer state in blocks: set them before restoring that state.
        applyLearningRate();
        restoreUpdater(readFloats(in));
        boolean hadReplay = in.readBoolean();
        if (hadReplay && replay != null) {
            replay.read(in);
        } else if (hadReplay != (replay != null)) {
            throw new IOException("the checkpoint was written " + (hadReplay ? "with" : "without")
                    + " a replay buffer, the configuration has " + (replay != null ? "one" : "none"));
        }
        prequentialAccuracy = samplesLearned == 0 ? 0 : (double) correct / samplesLearned;
        windowAccuracy = window.ratio();
    }

    private void restoreUpdater(float[] saved) throws IOException {
        INDArray state = network.getUpdater().getStateViewArray();
        long expected = state == null ? 0 : state.length();
        if (saved.length != expected) {
            throw new IOException("the saved optimizer state has " + saved.length + " values, the configured optimizer "
                    + expected + " (was the optimizer changed?)");
        }
        if (state != null) {
            try (INDArray s = Nd4j.create(saved, state.shape(), DataType.FLOAT)) {
                state.assign(s);
            }
        }
    }

    private static void writeFloats(DataOutputStream out, INDArray array) throws IOException {
        float[] values = array.isEmpty() ? new float[0] : array.castTo(DataType.FLOAT).toFloatVector();
        ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES);
        bytes.asFloatBuffer().put(values);
        out.writeInt(values.length);
        out.write(bytes.array());
    }

    private static float[] readFloats(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            throw new IOException("negative array length " + n);
        }
        byte[] bytes = new byte[Math.multiplyExact(n, Float.BYTES)];
        in.readFully(bytes);
        float[] values = new float[n];
        ByteBuffer.wrap(bytes).asFloatBuffer().get(values);
        return values;
    }

    /** The live network; only the learning thread may use it (e.g. to export a snapshot between batches). */
    public MultiLayerNetwork network() {
        return network;
    }

    public InputScaling inputScaling() {
        return options.inputScaling();
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

    /** Samples in the last learned batch. Learning thread only. */
    public int lastBatchSize() {
        return lastBatch;
    }

    /** Whether row {@code row} of the last learned batch was predicted correctly before it was learned. */
    public boolean lastOutcome(int row) {
        if (row < 0 || row >= lastBatch) {
            throw new IndexOutOfBoundsException("row " + row + " of a batch of " + lastBatch);
        }
        return outcomes[row];
    }

    /** Learning rate of the hidden layers at the last batch (the output layer's differs during a drift boost). */
    public double learningRate() {
        return learningRate;
    }

    /** Samples left in the current drift boost; 0 when none is running. Learning thread only. */
    public long boostLeft() {
        return boostLeft;
    }

    /** {@link SampleDigest} of every sample learned so far. */
    public long digest() {
        return digest;
    }

    /** Whether {@link #learn} takes the in-place dense step rather than {@code network.fit}. */
    boolean usesDenseStep() {
        return fastStep != null;
    }

    /** Frees the dense step's off-heap buffers; the learner cannot learn afterwards (its counters stay readable). */
    @Override
    public void close() {
        if (!closed && fastStep != null) {
            fastStep.close();
        }
        closed = true;
    }
}

package io.streamlearn.scorer.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.PartitionOffset;
import io.streamlearn.scorer.model.ModelRejectedException.Reason;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * One validated model snapshot loaded into an ONNX Runtime session: exactly one float input
 * {@code [batch, inputSize]} and one float output {@code [batch, classes]} named as the snapshot says, checked
 * by a trial inference before it is accepted. {@link #predict} is safe from several threads; {@link #close()} must
 * come after the last call returns ({@link ModelSlot} guarantees that), because closing a session under a running
 * inference can crash the JVM. Closing twice is a defect and throws.
 */
public final class OnnxModel implements AutoCloseable {
    /**
     * Each calling thread's input buffer, reused across calls and models: ONNX Runtime reads a direct buffer in
     * native order in place, where a heap buffer would be copied once more on every call.
     */
    private static final ThreadLocal<FloatBuffer> INPUT = ThreadLocal.withInitial(() -> directFloats(0));

    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final ModelSnapshot metadata;
    private final int inputSize;
    private final int classes;
    /** 0 when the graph's batch dimension is symbolic, else the only batch size the graph accepts. */
    private final int fixedBatch;
    private final Map<TopicPartition, Long> learnedUpTo = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean closed = new AtomicBoolean();

    private OnnxModel(OrtEnvironment env, OrtSession.SessionOptions options, OrtSession session,
                      ModelSnapshot snapshot, int fixedBatch) {
        this.env = env;
        this.options = options;
        this.session = session;
        this.metadata = snapshot.toBuilder().clearOnnxModel().build();
        this.inputSize = snapshot.getInputSize();
        this.classes = snapshot.getClassNamesCount();
        this.fixedBatch = fixedBatch;
        for (PartitionOffset po : snapshot.getOffsetsList()) {
            learnedUpTo.put(new TopicPartition(po.getTopic(), po.getPartition()), po.getOffset());
        }
    }

    /**
     * Loads and validates a snapshot for a scorer configured with {@code expectedInputSize} features.
     *
     * @throws ModelRejectedException naming the model version and the reason when it cannot be served
     */
    public static OnnxModel load(OrtEnvironment env, ModelSnapshot snapshot, int expectedInputSize)
            throws ModelRejectedException {
        checkMetadata(snapshot, expectedInputSize);
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session;
        int fixedBatch;
        try {
            // Parallelism comes from Kafka Streams threads; a per-session pool would oversubscribe small machines.
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            session = env.createSession(snapshot.getOnnxModel().toByteArray(), options);
        } catch (OrtException e) {
            options.close();
            throw new ModelRejectedException(Reason.UNLOADABLE,
                    describe(snapshot) + ": ONNX Runtime cannot load it: " + e.getMessage(), e);
        }
        try {
            fixedBatch = checkSignature(session, snapshot);
        } catch (ModelRejectedException | RuntimeException e) {
            closeQuietly(session, e);
            options.close();
            throw e;
        }
        OnnxModel model = new OnnxModel(env, options, session, snapshot, fixedBatch);
        model.probe();
        return model;
    }

    private static void checkMetadata(ModelSnapshot s, int expectedInputSize) throws ModelRejectedException {
        if (s.getModelName().isEmpty() || s.getInputName().isEmpty() || s.getOutputName().isEmpty()) {
            throw new ModelRejectedException(Reason.INVALID_METADATA,
                    describe(s) + ": model_name, input_name and output_name must all be set");
        }
        if (s.getClassNamesCount() < 2) {
            throw new ModelRejectedException(Reason.INVALID_METADATA,
                    describe(s) + ": needs at least 2 class names, has " + s.getClassNamesCount());
        }
        if (s.getInputSize() != expectedInputSize) {
            throw new ModelRejectedException(Reason.INPUT_SIZE_MISMATCH, describe(s) + ": input size "
                    + s.getInputSize() + " but this scorer is configured for " + expectedInputSize + " features");
        }
        if (s.getOnnxModel().isEmpty()) {
            throw new ModelRejectedException(Reason.INVALID_METADATA, describe(s) + ": carries no ONNX graph");
        }
    }

    /** Returns the fixed batch size, or 0 when the batch dimension is symbolic. */
    private static int checkSignature(OrtSession session, ModelSnapshot s) throws ModelRejectedException {
        try {
            long[] in = onlyFloatTensor(session.getInputInfo(), "input", s.getInputName(), s);
            long[] out = onlyFloatTensor(session.getOutputInfo(), "output", s.getOutputName(), s);
            if (in[1] != s.getInputSize()) {
                throw mismatch(s, "input shape " + Arrays.toString(in) + " does not take " + s.getInputSize()
                        + " features as its metadata says");
            }
            if (out[1] != -1 && out[1] != s.getClassNamesCount()) {
                throw mismatch(s, "output shape " + Arrays.toString(out) + " does not have "
                        + s.getClassNamesCount() + " classes as its metadata says");
            }
            if (in[0] == 0 || in[0] > Integer.MAX_VALUE) {
                throw mismatch(s, "input shape " + Arrays.toString(in) + " has an unusable batch dimension");
            }
            return in[0] < 0 ? 0 : (int) in[0];
        } catch (OrtException e) {
            throw new ModelRejectedException(Reason.SIGNATURE_MISMATCH,
                    describe(s) + ": cannot read its inputs and outputs: " + e.getMessage(), e);
        }
    }

    private static long[] onlyFloatTensor(Map<String, NodeInfo> nodes, String kind, String expectedName,
                                          ModelSnapshot s) throws ModelRejectedException {
        if (nodes.size() != 1 || !nodes.containsKey(expectedName)) {
            throw mismatch(s, "has " + kind + "s " + nodes.keySet() + ", expected exactly one named '"
                    + expectedName + "'");
        }
        if (!(nodes.get(expectedName).getInfo() instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT
                || tensor.getShape().length != 2) {
            throw mismatch(s, kind + " '" + expectedName + "' is " + nodes.get(expectedName).getInfo()
                    + ", expected a 2-d float tensor");
        }
        return tensor.getShape();
    }

    private static ModelRejectedException mismatch(ModelSnapshot s, String why) {
        return new ModelRejectedException(Reason.SIGNATURE_MISMATCH, describe(s) + ": " + why);
    }

    /** Runs one batch of zeros, so that a graph that loads but cannot run is rejected before it serves. */
    private void probe() throws ModelRejectedException {
        try {
            float[][] probabilities = predict(new float[Math.max(fixedBatch, 1)][inputSize]);
            for (float[] row : probabilities) {
                for (float p : row) {
                    if (!Float.isFinite(p)) {
                        throw new ScoringException("trial inference returned " + Arrays.toString(row));
                    }
                }
            }
        } catch (ScoringException e) {
            close();
            throw new ModelRejectedException(Reason.PROBE_FAILED,
                    describe(metadata) + ": trial inference failed: " + e.getMessage(), e);
        }
    }

    /**
     * Class probabilities for each row of {@code batch} (each row {@code inputSize} features), in one ONNX
     * Runtime call when the graph's batch dimension is symbolic, else in calls of the graph's fixed batch size.
     */
    public float[][] predict(float[][] batch) {
        for (float[] row : batch) {
            if (row.length != inputSize) {
                throw new IllegalArgumentException(describe(metadata) + " takes " + inputSize + " features, got "
                        + row.length);
            }
        }
        inFlight.incrementAndGet();
        try {
            if (closed.get()) {
                throw new IllegalStateException(describe(metadata) + " is closed");
            }
            return fixedBatch == 0 ? run(batch) : runInFixedBatches(batch);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    private float[][] runInFixedBatches(float[][] batch) {
        float[][] out = new float[batch.length][];
        for (int start = 0; start < batch.length; start += fixedBatch) {
            float[][] chunk = new float[fixedBatch][];
            for (int i = 0; i < fixedBatch; i++) {
                chunk[i] = start + i < batch.length ? batch[start + i] : new float[inputSize];
            }
            float[][] result = run(chunk);
            System.arraycopy(result, 0, out, start, Math.min(fixedBatch, batch.length - start));
        }
        return out;
    }

    private float[][] run(float[][] rows) {
        if (rows.length == 0) {
            return new float[0][];
        }
        FloatBuffer flat = inputBuffer(rows.length * inputSize);
        for (float[] row : rows) {
            flat.put(row);
        }
        flat.flip();
        try (OnnxTensor input = OnnxTensor.createTensor(env, flat, new long[] {rows.length, inputSize});
             OrtSession.Result result = session.run(Map.of(metadata.getInputName(), input),
                     Set.of(metadata.getOutputName()))) {
            OnnxTensor output = (OnnxTensor) result.get(0);
            long[] shape = output.getInfo().getShape();
            if (shape.length != 2 || shape[0] != rows.length || shape[1] != classes) {
                throw new ScoringException(describe(metadata) + " returned shape " + Arrays.toString(shape)
                        + " for a batch of " + rows.length + ", expected [" + rows.length + ", " + classes + "]");
            }
            FloatBuffer values = output.getFloatBuffer();
            float[][] probabilities = new float[rows.length][classes];
            for (float[] row : probabilities) {
                values.get(row);
            }
            return probabilities;
        } catch (OrtException e) {
            throw new ScoringException(describe(metadata) + ": inference on a batch of " + rows.length
                    + " failed: " + e.getMessage(), e);
        }
    }

    private static FloatBuffer inputBuffer(int floats) {
        FloatBuffer buffer = INPUT.get();
        if (buffer.capacity() < floats) {
            buffer = directFloats(floats);
            INPUT.set(buffer);
        }
        return buffer.clear();
    }

    private static FloatBuffer directFloats(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** Whether the model's lineage covers this record: the trainer had already learned it when it exported. */
    public boolean hasLearned(String topic, int partition, long offset) {
        Long next = learnedUpTo.get(new TopicPartition(topic, partition));
        return next != null && offset < next;
    }

    public String modelName() {
        return metadata.getModelName();
    }

    public long version() {
        return metadata.getVersion();
    }

    public long createdAtMs() {
        return metadata.getCreatedAtMs();
    }

    public int inputSize() {
        return inputSize;
    }

    public List<String> classNames() {
        return metadata.getClassNamesList();
    }

    public boolean isClosed() {
        return closed.get();
    }

    /**
     * Releases the session. Refuses (and leaks the session) if a prediction is still running, since closing it
     * then could crash the JVM; that and closing twice are defects in the caller.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            throw new IllegalStateException(describe(metadata) + " closed twice");
        }
        int running = inFlight.get();
        if (running != 0) {
            throw new IllegalStateException(describe(metadata) + " closed while " + running
                    + " predictions were running; its session is leaked rather than freed under them");
        }
        try {
            session.close();
        } catch (OrtException e) {
            throw new ScoringException("cannot close the session of " + describe(metadata), e);
        } finally {
            options.close();
        }
    }

    private static void closeQuietly(OrtSession session, Exception primary) {
        try {
            session.close();
        } catch (OrtException e) {
            primary.addSuppressed(e);
        }
    }

    static String describe(ModelSnapshot s) {
        return "model '" + s.getModelName() + "' v" + s.getVersion();
    }

    @Override
    public String toString() {
        return describe(metadata);
    }
}

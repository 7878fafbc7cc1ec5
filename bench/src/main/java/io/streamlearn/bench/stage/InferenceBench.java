package io.streamlearn.bench.stage;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.streamlearn.bench.data.Synthetic;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.scorer.model.ModelRejectedException;
import io.streamlearn.scorer.model.OnnxModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The scorer's inference path ({@link OnnxModel#predict}: float rows in, probabilities out) beside a bare
 * {@link OrtSession#run} on the same model bytes with the same session options (one intra-op and one inter-op
 * thread): a direct buffer filled once, wrapped as a tensor per call, the output read back.
 */
public final class InferenceBench {
    private InferenceBench() {
    }

    /** Rates of [ours, bare ONNX Runtime] at {@code batch} rows per call. */
    public static Timing.Rates[] run(ModelSnapshot snapshot, int batch, int reps, double seconds, double warmup) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[][] rows = Synthetic.features(batch, 11);
        try (OnnxModel model = OnnxModel.load(env, snapshot, Synthetic.INPUT_SIZE);
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            try (OrtSession session = env.createSession(snapshot.getOnnxModel().toByteArray(), options)) {
                FloatBuffer input = directCopy(rows);
                long[] shape = {batch, Synthetic.INPUT_SIZE};
                Map<String, OnnxTensor> feed = new HashMap<>(1);
                return Timing.interleaved(() -> {
                    model.predict(rows);
                    return batch;
                }, () -> {
                    bareRun(env, session, snapshot.getInputName(), input, shape, feed);
                    return batch;
                }, reps, seconds, warmup);
            }
        } catch (ModelRejectedException | OrtException e) {
            throw new IllegalStateException("cannot load the benchmark model into ONNX Runtime: " + e.getMessage(), e);
        }
    }

    private static void bareRun(OrtEnvironment env, OrtSession session, String inputName, FloatBuffer input,
                                long[] shape, Map<String, OnnxTensor> feed) {
        input.rewind();
        try (OnnxTensor tensor = OnnxTensor.createTensor(env, input, shape)) {
            feed.put(inputName, tensor);
            try (OrtSession.Result result = session.run(feed)) {
                ((OnnxTensor) result.get(0)).getFloatBuffer();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("bare ONNX Runtime call failed: " + e.getMessage(), e);
        }
    }

    static FloatBuffer directCopy(float[][] rows) {
        FloatBuffer buffer = ByteBuffer.allocateDirect(rows.length * rows[0].length * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (float[] row : rows) {
            buffer.put(row);
        }
        buffer.rewind();
        return buffer;
    }
}

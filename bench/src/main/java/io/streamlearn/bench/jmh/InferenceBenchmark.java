package io.streamlearn.bench.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.streamlearn.bench.data.Snapshots;
import io.streamlearn.bench.data.Synthetic;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.scorer.model.ModelRejectedException;
import io.streamlearn.scorer.model.OnnxModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** One ONNX Runtime call on the default network: through the scorer's {@link OnnxModel}, and bare. */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InferenceBenchmark {
    @Param({"1", "64"})
    public int rows;

    private float[][] batch;
    private OnnxModel model;
    private OrtSession.SessionOptions options;
    private OrtSession session;
    private OrtEnvironment env;
    private FloatBuffer direct;
    private String inputName;

    @Setup
    public void setUp() throws ModelRejectedException, OrtException {
        env = OrtEnvironment.getEnvironment();
        ModelSnapshot snapshot = Snapshots.fresh(1);
        model = OnnxModel.load(env, snapshot, Synthetic.INPUT_SIZE);
        options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        session = env.createSession(snapshot.getOnnxModel().toByteArray(), options);
        inputName = snapshot.getInputName();
        batch = Synthetic.features(rows, 4);
        direct = ByteBuffer.allocateDirect(rows * Synthetic.INPUT_SIZE * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (float[] row : batch) {
            direct.put(row);
        }
    }

    @TearDown
    public void tearDown() throws OrtException {
        model.close();
        session.close();
        options.close();
    }

    @Benchmark
    public float[][] onnxModelPredict() {
        return model.predict(batch);
    }

    @Benchmark
    public FloatBuffer bareSessionRun() throws OrtException {
        direct.rewind();
        try (OnnxTensor input = OnnxTensor.createTensor(env, direct, new long[] {rows, Synthetic.INPUT_SIZE});
             OrtSession.Result result = session.run(Map.of(inputName, input))) {
            return ((OnnxTensor) result.get(0)).getFloatBuffer();
        }
    }
}

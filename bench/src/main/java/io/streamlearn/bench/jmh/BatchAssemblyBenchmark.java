package io.streamlearn.bench.jmh;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.streamlearn.bench.data.Synthetic;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Turning a batch of float rows into the tensor a library takes: an ND4J matrix (bulk copy into an uninitialized
 * off-heap array, as the trainer's learner does, or {@code Nd4j.createFromArray(float[][])}), and an ONNX Runtime
 * tensor (rows copied into a heap FloatBuffer, as the scorer's model does, or into a direct one).
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BatchAssemblyBenchmark {
    @Param({"32", "128"})
    public int rows;

    private float[][] batch;
    private float[] flat;
    private FloatBuffer direct;
    private OrtEnvironment env;

    @Setup
    public void setUp() {
        batch = Synthetic.features(rows, 2);
        flat = new float[rows * Synthetic.INPUT_SIZE];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(batch[r], 0, flat, r * Synthetic.INPUT_SIZE, Synthetic.INPUT_SIZE);
        }
        direct = ByteBuffer.allocateDirect(flat.length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        env = OrtEnvironment.getEnvironment();
    }

    @Benchmark
    public float nd4jBulkCopy() {
        try (INDArray m = Nd4j.createUninitialized(DataType.FLOAT, rows, Synthetic.INPUT_SIZE)) {
            m.data().asNioFloat().put(flat, 0, flat.length);
            return m.getFloat(0, 0);
        }
    }

    @Benchmark
    public float nd4jCreateFromArray() {
        try (INDArray m = Nd4j.createFromArray(batch)) {
            return m.getFloat(0, 0);
        }
    }

    @Benchmark
    public long ortHeapBuffer() throws OrtException {
        FloatBuffer buffer = FloatBuffer.allocate(rows * Synthetic.INPUT_SIZE);
        for (float[] row : batch) {
            buffer.put(row);
        }
        buffer.rewind();
        try (OnnxTensor t = OnnxTensor.createTensor(env, buffer, new long[] {rows, Synthetic.INPUT_SIZE})) {
            return t.getInfo().getNumElements();
        }
    }

    @Benchmark
    public long ortDirectBuffer() throws OrtException {
        direct.clear();
        for (float[] row : batch) {
            direct.put(row);
        }
        direct.rewind();
        try (OnnxTensor t = OnnxTensor.createTensor(env, direct, new long[] {rows, Synthetic.INPUT_SIZE})) {
            return t.getInfo().getNumElements();
        }
    }
}

package io.streamlearn.bench.jmh;

import io.streamlearn.bench.data.Snapshots;
import io.streamlearn.bench.data.Synthetic;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.trainer.learn.OnlineLearner;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One mini-batch of the trainer: the whole {@link OnlineLearner} step (add each sample, then one training step whose
 * forward pass also predicts: the in-place dense step), and DL4J's {@code fit} alone on a ready matrix, the path
 * the learner takes for networks the dense step does not cover.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 3, time = 3)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class TrainingStepBenchmark {
    @Param({"32", "128"})
    public int batch;

    private List<Sample> pool;
    private OnlineLearner learner;
    private MultiLayerNetwork network;
    private INDArray x;
    private INDArray y;
    private int next;

    @Setup
    public void setUp() {
        pool = Synthetic.samples(4096, "jmh-", 9);
        learner = new OnlineLearner(Snapshots.network(batch), batch);
        network = Snapshots.network(batch);
        float[][] rows = Synthetic.features(batch, 6);
        x = Nd4j.createFromArray(rows);
        y = Nd4j.zeros(DataType.FLOAT, batch, Synthetic.CLASSES);
        for (int i = 0; i < batch; i++) {
            y.putScalar(i, i % Synthetic.CLASSES, 1f);
        }
    }

    @TearDown
    public void tearDown() {
        learner.close();
        x.close();
        y.close();
    }

    @Benchmark
    public long onlineLearnerStep() {
        for (int i = 0; i < batch; i++) {
            learner.add(pool.get(next));
            next = (next + 1) % pool.size();
        }
        learner.learn();
        return learner.batches();
    }

    @Benchmark
    public double dl4jFitOnly() {
        network.fit(x, y);
        return network.score();
    }
}

package io.streamlearn.bench.stage;

import io.streamlearn.bench.data.Snapshots;
import io.streamlearn.bench.data.Synthetic;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.trainer.learn.OnlineLearner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nd4j.linalg.api.blas.Blas;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The trainer's learning step as the trainer runs it: {@link OnlineLearner#add} per sample (copying the
 * protobuf's features into the batch buffer), then {@link OnlineLearner#learn} (one training step with Adam whose
 * forward pass also gives the predictions counted as hits: the dense step on the network's own parameters) on the
 * default network, over a pool of synthetic samples.
 */
public final class TrainingBench {
    private static final int POOL = 4096;

    private TrainingBench() {
    }

    /** Samples per second and per CPU-second, per repetition, at mini-batch {@code batch}. */
    public static Timing.Rates run(int batch, int reps, double seconds, double warmup) {
        List<Sample> pool = Synthetic.samples(POOL, "train-", 7);
        int[] next = {0};
        try (OnlineLearner learner = new OnlineLearner(Snapshots.network(batch), batch)) {
            return Timing.rates(() -> {
                for (int i = 0; i < batch; i++) {
                    learner.add(pool.get(next[0]));
                    next[0] = (next[0] + 1) % POOL;
                }
                learner.learn();
                return batch;
            }, reps, seconds, warmup);
        }
    }

    /** ND4J's BLAS as this process uses it: vendor and threads (BLAS and ND4J's own OpenMP). */
    public static String describeBlas() {
        Blas blas = Nd4j.factory().blas();
        return blas.getBlasVendor() + " with " + blas.getMaxThreads() + " BLAS thread(s), ND4J "
                + Nd4j.getEnvironment().maxThreads() + " OpenMP thread(s)";
    }

    /** The OpenBLAS files this process has mapped (ND4J extracts its own copy). */
    public static List<Path> mappedOpenBlas() {
        try {
            return Files.readAllLines(Path.of("/proc/self/maps")).stream()
                    .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                    .filter(p -> p.contains("libopenblas")).distinct().map(Path::of).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/maps", e);
        }
    }
}

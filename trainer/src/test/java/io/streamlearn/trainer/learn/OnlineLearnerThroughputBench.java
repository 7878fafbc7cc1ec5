package io.streamlearn.trainer.learn;

import io.streamlearn.common.config.Settings;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.trainer.TrainerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learning throughput on MNIST-shaped random data with the default network (784-100-10, Adam): plain one-pass
 * learning per batch size, and the default options (replay, two updates per batch). Not a test:
 * run with {@code mvn -pl trainer test -Dtest=OnlineLearnerThroughputBench -Dbench=true} (OMP_NUM_THREADS=1
 * comes from surefire).
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class OnlineLearnerThroughputBench {
    private static final Logger log = LoggerFactory.getLogger(OnlineLearnerThroughputBench.class);
    private static final NetworkSpec SPEC = new NetworkSpec(784, List.of(100), "relu", 10, "adam", 0.001, 42);
    private static final int WARMUP = 30_000;
    private static final int MEASURED = 60_000;
    private static final int ROUNDS = 3;

    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {32, 128})
    void measureOnlineLearner(int batch) {
        List<Sample> samples = samples(8192);
        OnlineLearner learner = new OnlineLearner(SPEC.build(), batch);
        run(learner, samples, WARMUP);
        for (int round = 1; round <= ROUNDS; round++) {
            long t0 = System.nanoTime();
            run(learner, samples, MEASURED);
            double seconds = (System.nanoTime() - t0) / 1e9;
            log.info("OnlineLearner batch {}, round {}: {} samples/s (test-then-train, from Sample protos)",
                    batch, round, Math.round(MEASURED / seconds));
        }
    }

    @ParameterizedTest(name = "batch {0}")
    @ValueSource(ints = {32, 128})
    void measureFitOnlyOnPrebuiltArrays(int batch) {
        MultiLayerNetwork network = SPEC.build();
        Random random = new Random(1);
        try (INDArray x = Nd4j.rand(batch, 784); INDArray y = Nd4j.zeros(batch, 10)) {
            for (int i = 0; i < batch; i++) {
                y.putScalar(i, random.nextInt(10), 1.0);
            }
            for (int i = 0; i < WARMUP / batch; i++) {
                network.fit(x, y);
            }
            for (int round = 1; round <= ROUNDS; round++) {
                long t0 = System.nanoTime();
                int batches = MEASURED / batch;
                for (int i = 0; i < batches; i++) {
                    network.fit(x, y);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                log.info("fit only on prebuilt arrays, batch {}, round {}: {} samples/s",
                        batch, round, Math.round(batches * batch / seconds));
            }
        }
    }

    /** The default configuration: two updates per batch of 32, each with 32 replayed samples. */
    @Test
    void measureDefaultLearner() {
        TrainerConfig config = TrainerConfig.from(Settings.of(Map.of()));
        List<Sample> samples = samples(8192);
        OnlineLearner learner = new OnlineLearner(config.network().build(), config.learning());
        run(learner, samples, WARMUP);
        for (int round = 1; round <= ROUNDS; round++) {
            long t0 = System.nanoTime();
            run(learner, samples, MEASURED);
            double seconds = (System.nanoTime() - t0) / 1e9;
            log.info("OnlineLearner with the default options, round {}: {} samples/s ({})", round,
                    Math.round(MEASURED / seconds), config.learning());
        }
    }

    private static void run(OnlineLearner learner, List<Sample> samples, int n) {
        for (int i = 0; i < n; i++) {
            learner.add(samples.get(i % samples.size()));
            if (learner.isFull()) {
                learner.learn();
            }
        }
        learner.learn();
    }

    private static List<Sample> samples(int n) {
        Random random = new Random(7);
        List<Sample> samples = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Sample.Builder s = Sample.newBuilder().setId("s" + i).setLabel(random.nextInt(10));
            for (int j = 0; j < 784; j++) {
                s.addFeatures(random.nextFloat());
            }
            samples.add(s.build());
        }
        return samples;
    }
}

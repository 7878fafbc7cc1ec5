package io.streamlearn.trainer.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.common.wire.Sample;
import io.streamlearn.trainer.Blobs;
import io.streamlearn.common.config.Settings;
import io.streamlearn.trainer.OpenLearners;
import io.streamlearn.trainer.TrainerConfig;
import io.streamlearn.trainer.onnx.InputScaling;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The dense step against {@code MultiLayerNetwork.fit}: from identical networks, the same stream (partial batches,
 * replay, two updates per batch, a scheduled learning-rate change, different rates per layer) gives the same
 * predictions and, within float rounding, the same loss, parameters and Adam state. The two sum in different orders
 * (bias gradients, softmax), so they differ by a few ulps per step: measured at most 2e-7 of the largest parameter
 * and 1.2e-6 of the largest Adam state value over 1,400 samples.
 */
class DenseTrainingStepTest {
    /** Largest difference allowed, relative to the largest magnitude in the compared array. */
    private static final double TOLERANCE = 1e-5;
    /**
     * After a drift reset zeroes Adam's moments, its first steps move every parameter by about the learning rate
     * times the sign of its gradient, also where that gradient is only rounding noise, in either implementation:
     * differences then grow to ~1e-4 (measured at most 1.3e-4 of the parameters, 4.9e-4 of the state).
     */
    private static final double TOLERANCE_AFTER_RESET = 1e-3;
    private static final LearnerOptions OPTIONS = new LearnerOptions(16, 2, 120, 16, 0.002, 1500, InputScaling.IDENTITY, 7);

    @RegisterExtension
    final OpenLearners learners = new OpenLearners();

    private static NetworkSpec spec(String activation, List<Integer> hidden) {
        return new NetworkSpec(12, hidden, activation, 5, "adam", 0.01, 42);
    }

    /** Feeds samples, learning a partial batch every 5th batch; compares two learners after each batch. */
    private static void feed(List<Sample> samples, OnlineLearner... learners) {
        feed(samples, -1, TOLERANCE, learners);
    }

    /** Like {@link #feed(List, OnlineLearner...)}, with a drift reset (boosting the output layer) after sample resetAt. */
    private static void feed(List<Sample> samples, int resetAt, double tolerance, OnlineLearner... learners) {
        int batch = 0;
        for (int i = 0; i < samples.size(); i++) {
            for (OnlineLearner learner : learners) {
                learner.add(samples.get(i));
            }
            boolean partial = batch % 5 == 4 && learners[0].buffered() == 5;
            if (learners[0].isFull() || partial || i == samples.size() - 1) {
                for (OnlineLearner learner : learners) {
                    learner.learn();
                }
                batch++;
                if (learners.length == 2) {
                    assertSameBatch(learners[0], learners[1], tolerance);
                }
            }
            if (i == resetAt) {
                for (OnlineLearner learner : learners) {
                    learner.learn();
                    learner.resetForDrift(3, 20, 300);
                }
            }
        }
    }

    private static void assertSameBatch(OnlineLearner dense, OnlineLearner fit, double tolerance) {
        assertThat(dense.lastBatchSize()).isEqualTo(fit.lastBatchSize());
        for (int row = 0; row < fit.lastBatchSize(); row++) {
            assertThat(dense.lastOutcome(row)).as("hit of row %d of batch %d", row, fit.batches()).isEqualTo(fit.lastOutcome(row));
        }
        assertThat(dense.lastLoss()).as("loss of batch %d", fit.batches())
                .isCloseTo(fit.lastLoss(), org.assertj.core.data.Offset.offset(TOLERANCE * Math.max(1, fit.lastLoss())));
        assertClose("parameters after batch " + fit.batches(), dense.network().params(), fit.network().params(), tolerance);
        assertClose("Adam state after batch " + fit.batches(), dense.network().getUpdater().getStateViewArray(),
                fit.network().getUpdater().getStateViewArray(), tolerance);
    }

    static double relativeDifference(INDArray actual, INDArray expected) {
        float[] a = actual.toFloatVector();
        float[] e = expected.toFloatVector();
        assertThat(a).hasSameSizeAs(e);
        double scale = 0;
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            scale = Math.max(scale, Math.abs(e[i]));
            worst = Math.max(worst, Math.abs(a[i] - e[i]));
        }
        return scale == 0 ? worst : worst / scale;
    }

    private static void assertClose(String what, INDArray actual, INDArray expected) {
        assertClose(what, actual, expected, TOLERANCE);
    }

    private static void assertClose(String what, INDArray actual, INDArray expected, double tolerance) {
        assertThat(relativeDifference(actual, expected)).as(what).isLessThanOrEqualTo(tolerance);
    }

    @ParameterizedTest(name = "{0}, hidden layers {1}")
    @CsvSource({"relu, 24", "tanh, 24", "sigmoid, 24", "relu, 24 16", "tanh, 20 10", "identity, 16", "leakyrelu, 16"})
    void shouldLearnLikeFitFromTheSameNetwork(String activation, String hidden) {
        List<Integer> sizes = java.util.Arrays.stream(hidden.split(" ")).map(Integer::valueOf).toList();
        OnlineLearner dense = learners.open(new OnlineLearner(spec(activation, sizes).build(), OPTIONS));
        OnlineLearner fit = learners.open(new OnlineLearner(spec(activation, sizes).build(), OPTIONS, false));
        assertThat(dense.usesDenseStep()).isTrue();
        assertThat(fit.usesDenseStep()).isFalse();

        feed(new Blobs(5, 12, 11).take(1400), dense, fit);

        assertThat(dense.learningRate()).as("the schedule moved").isLessThan(0.01);
        assertThat(dense.prequentialAccuracy()).isEqualTo(fit.prequentialAccuracy()).isGreaterThan(0.8);
        assertThat(dense.windowAccuracy()).isEqualTo(fit.windowAccuracy());
        assertThat(dense.network().getIterationCount()).isEqualTo(fit.network().getIterationCount());
        assertClose("parameters", dense.network().params(), fit.network().params());
        assertClose("Adam state", dense.network().getUpdater().getStateViewArray(), fit.network().getUpdater().getStateViewArray());
        assertThat(dense.network().score()).isEqualTo(dense.lastLoss());
    }

    @ParameterizedTest(name = "{0}, hidden layers {1}")
    @CsvSource({"relu, 24", "relu, 24 16", "sigmoid, 24", "leakyrelu, 16"})
    void shouldPredictLikeFitAfterADriftResetAndStayCloseInParameters(String activation, String hidden) {
        List<Integer> sizes = java.util.Arrays.stream(hidden.split(" ")).map(Integer::valueOf).toList();
        OnlineLearner dense = learners.open(new OnlineLearner(spec(activation, sizes).build(), OPTIONS));
        OnlineLearner fit = learners.open(new OnlineLearner(spec(activation, sizes).build(), OPTIONS, false));

        feed(new Blobs(5, 12, 11).take(1400), 700, TOLERANCE_AFTER_RESET, dense, fit);

        assertThat(dense.prequentialAccuracy()).isEqualTo(fit.prequentialAccuracy());
        assertThat(dense.network().getIterationCount()).isEqualTo(fit.network().getIterationCount());
    }

    @Test
    void shouldLearnLikeFitWhileTheOutputLayerHasItsOwnRate() {
        OnlineLearner dense = learners.open(new OnlineLearner(spec("relu", List.of(24)).build(), OPTIONS));
        OnlineLearner fit = learners.open(new OnlineLearner(spec("relu", List.of(24)).build(), OPTIONS, false));
        dense.resetForDrift(2, 10, 100_000);
        fit.resetForDrift(2, 10, 100_000);

        feed(new Blobs(5, 12, 12).take(300), dense, fit);

        assertThat(((org.deeplearning4j.nn.updater.BaseMultiLayerUpdater<?>) dense.network().getUpdater()).getUpdaterBlocks())
                .as("one updater block per rate").hasSize(2);
        assertClose("Adam state", dense.network().getUpdater().getStateViewArray(), fit.network().getUpdater().getStateViewArray());
    }

    @Test
    void shouldContinueFromACheckpointWrittenAfterDenseStepsExactlyAsWithout() throws IOException {
        List<Sample> data = new Blobs(5, 12, 13).take(900);
        OnlineLearner original = learners.open(new OnlineLearner(spec("relu", List.of(24)).build(), OPTIONS));
        feed(data.subList(0, 450), original);
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        original.writeState(new DataOutputStream(saved));
        OnlineLearner restored = learners.open(new OnlineLearner(spec("relu", List.of(24)).build(), OPTIONS));
        restored.readState(new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));
        OnlineLearner restoredIntoFit = learners.open(
                new OnlineLearner(spec("relu", List.of(24)).build(), OPTIONS, false));
        restoredIntoFit.readState(new DataInputStream(new ByteArrayInputStream(saved.toByteArray())));

        feed(data.subList(450, 900), original);
        feed(data.subList(450, 900), restored);
        feed(data.subList(450, 900), restoredIntoFit);

        assertThat(restored.network().params()).isEqualTo(original.network().params());
        assertThat(restored.network().getUpdater().getStateViewArray()).isEqualTo(original.network().getUpdater().getStateViewArray());
        assertThat(restored.prequentialAccuracy()).isEqualTo(original.prequentialAccuracy());
        assertThat(restored.digest()).isEqualTo(original.digest());
        assertClose("fit from the same checkpoint", restoredIntoFit.network().params(), original.network().params());
        assertThat(restoredIntoFit.prequentialAccuracy()).isEqualTo(original.prequentialAccuracy());
    }

    @Test
    void shouldTakeTheDenseStepForTheTrainersDefaultNetwork() {
        TrainerConfig config = TrainerConfig.from(Settings.of(Map.of()));
        try (OnlineLearner learner = new OnlineLearner(config.network().build(), config.learning())) {
            assertThat(learner.usesDenseStep()).isTrue();
        }
    }

    @Test
    void shouldFallBackToFitForOtherOptimizers() {
        OnlineLearner sgd = learners.open(
                new OnlineLearner(new NetworkSpec(12, List.of(16), "relu", 5, "sgd", 0.01, 42).build(), OPTIONS));
        assertThat(sgd.usesDenseStep()).isFalse();
        feed(new Blobs(5, 12, 14).take(200), sgd);
        assertThat(sgd.network().getIterationCount()).isPositive();
        assertThat(DenseStackSupport.unsupportedReason(new NetworkSpec(12, List.of(16), "relu", 5, "nesterovs", 0.01, 42).build()))
                .contains("only Adam");
    }

    @Test
    void shouldFallBackToFitForRegularizationDropoutAndOtherLosses() {
        assertThat(DenseStackSupport.unsupportedReason(network(b -> b.l2(1e-4), LossFunctions.LossFunction.MCXENT)))
                .contains("regularization");
        assertThat(DenseStackSupport.unsupportedReason(network(b -> b.weightDecay(1e-4), LossFunctions.LossFunction.MCXENT)))
                .contains("regularization");
        assertThat(DenseStackSupport.unsupportedReason(network(b -> b.dropOut(0.5), LossFunctions.LossFunction.MCXENT)))
                .contains("dropout");
        assertThat(DenseStackSupport.unsupportedReason(network(b -> b.gradientNormalization(
                org.deeplearning4j.nn.conf.GradientNormalization.ClipElementWiseAbsoluteValue), LossFunctions.LossFunction.MCXENT)))
                .contains("gradient normalization");
        assertThat(DenseStackSupport.unsupportedReason(network(b -> b, LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD)))
                .contains("MCXENT");
        assertThat(DenseStackSupport.unsupportedReason(network(b -> b, LossFunctions.LossFunction.MCXENT))).isNull();
    }

    private static MultiLayerNetwork network(java.util.function.UnaryOperator<NeuralNetConfiguration.Builder> extra,
                                             LossFunctions.LossFunction loss) {
        MultiLayerConfiguration conf = extra.apply(new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                        .weightInit(WeightInit.XAVIER).updater(new Adam(0.01)))
                .list()
                .layer(new DenseLayer.Builder().nIn(12).nOut(16).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(loss).nIn(16).nOut(5).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return network;
    }

    @Test
    void shouldRefuseToLearnOnceClosed() {
        OnlineLearner learner = new OnlineLearner(spec("relu", List.of(8)).build(), OPTIONS);
        learner.close();
        learner.add(new Blobs(5, 12, 15).next("a"));
        assertThatThrownBy(learner::learn).isInstanceOf(IllegalStateException.class);
    }
}

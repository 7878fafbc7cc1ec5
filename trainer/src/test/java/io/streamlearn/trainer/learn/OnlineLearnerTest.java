package io.streamlearn.trainer.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.common.wire.Sample;
import io.streamlearn.trainer.Blobs;
import io.streamlearn.trainer.OpenLearners;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class OnlineLearnerTest {
    private static final NetworkSpec SPEC = new NetworkSpec(8, List.of(16), "relu", 4, "adam", 0.01, 42);

    @RegisterExtension
    final OpenLearners learners = new OpenLearners();

    private OnlineLearner learn(NetworkSpec spec, List<Sample> samples, int batchSize) {
        OnlineLearner learner = learners.open(new OnlineLearner(spec.build(), batchSize));
        for (Sample s : samples) {
            learner.add(s);
            if (learner.isFull()) {
                learner.learn();
            }
        }
        learner.learn();
        return learner;
    }

    @Test
    void shouldLearnSeparableBlobsFarAboveChance() {
        OnlineLearner learner = learn(SPEC, new Blobs(4, 8, 1).take(3000), 32);

        assertThat(learner.samplesLearned()).isEqualTo(3000);
        assertThat(learner.batches()).isEqualTo(94); // 93 full batches and the tail of 24
        assertThat(learner.windowAccuracy()).isGreaterThan(0.95);
        assertThat(learner.prequentialAccuracy()).isGreaterThan(0.8).isLessThan(learner.windowAccuracy());
        assertThat(learner.lastLoss()).isLessThan(0.3);
    }

    @Test
    void shouldBeDeterministicGivenTheSeed() {
        List<Sample> data = new Blobs(4, 8, 2).take(500);

        OnlineLearner a = learn(SPEC, data, 32);
        OnlineLearner b = learn(SPEC, data, 32);
        OnlineLearner otherSeed = learn(new NetworkSpec(8, List.of(16), "relu", 4, "adam", 0.01, 43), data, 32);

        assertThat(a.network().params()).isEqualTo(b.network().params());
        assertThat(a.prequentialAccuracy()).isEqualTo(b.prequentialAccuracy());
        assertThat(a.lastLoss()).isEqualTo(b.lastLoss());
        assertThat(otherSeed.network().params()).isNotEqualTo(a.network().params());
    }

    @Test
    void shouldLearnAPartialBatchAndIgnoreAnEmptyOne() {
        OnlineLearner learner = learners.open(new OnlineLearner(SPEC.build(), 32));
        learner.learn();
        assertThat(learner.batches()).isZero();
        assertThat(learner.lastLoss()).isNaN();

        new Blobs(4, 8, 3).take(5).forEach(learner::add);
        learner.learn();

        assertThat(learner.samplesLearned()).isEqualTo(5);
        assertThat(learner.batches()).isEqualTo(1);
        assertThat(learner.buffered()).isZero();
        assertThat(learner.lastLoss()).isFinite();
    }

    @ParameterizedTest
    @ValueSource(strings = {"relu", "leakyrelu", "tanh", "sigmoid", "identity"})
    void shouldScoreABatchWithTheModelFromBeforeItWasFitted(String activation) {
        Blobs blobs = new Blobs(4, 8, 4);
        OnlineLearner learner = learners.open(new OnlineLearner(
                new NetworkSpec(8, List.of(16, 8), activation, 4, "sgd", 0.1, 9).build(), 64));
        blobs.take(128).forEach(s -> {
            learner.add(s);
            if (learner.isFull()) {
                learner.learn(); // two updates first, so that biases are no longer zero
            }
        });
        List<Sample> batch = blobs.take(64);
        MultiLayerNetwork before = learner.network().clone();
        int expectedHits = 0;
        try (INDArray x = Nd4j.create(Blobs.features(batch)); INDArray out = before.output(x)) {
            for (int i = 0; i < batch.size(); i++) {
                if (out.getRow(i).argMax().getInt(0) == batch.get(i).getLabel()) {
                    expectedHits++;
                }
            }
        }
        long hitsBefore = Math.round(learner.prequentialAccuracy() * 128);

        batch.forEach(learner::add);
        learner.learn();

        assertThat(Math.round(learner.prequentialAccuracy() * 192) - hitsBefore).isEqualTo(expectedHits);
        assertThat(learner.network().params()).isNotEqualTo(before.params());
    }

    @Test
    void shouldRejectASampleOfTheWrongShape() {
        OnlineLearner learner = learners.open(new OnlineLearner(SPEC.build(), 32));
        Sample wrong = Sample.newBuilder().setId("x").addFeatures(1f).setLabel(0).build();

        assertThatThrownBy(() -> learner.add(wrong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 8 features");
    }

    @Test
    void shouldRefuseMoreSamplesThanTheBatchHolds() {
        OnlineLearner learner = learners.open(new OnlineLearner(SPEC.build(), 2));
        List<Sample> three = new Blobs(4, 8, 5).take(3);
        learner.add(three.get(0));
        learner.add(three.get(1));

        assertThat(learner.isFull()).isTrue();
        assertThatThrownBy(() -> learner.add(three.get(2))).isInstanceOf(IllegalStateException.class);
    }
}

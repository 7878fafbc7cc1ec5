package io.streamlearn.trainer.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.streamlearn.common.wire.Sample;
import io.streamlearn.trainer.Blobs;
import io.streamlearn.trainer.OpenLearners;
import io.streamlearn.trainer.onnx.InputScaling;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Replay, learning-rate schedule, drift reset, sample digest and the saved state of {@link OnlineLearner}. */
class OnlineLearnerStateTest {
    private static final NetworkSpec SPEC = new NetworkSpec(8, List.of(16), "relu", 4, "adam", 0.01, 42);
    private static final LearnerOptions REPLAY = new LearnerOptions(16, 2, 200, 16, 0.001, 2000, InputScaling.IDENTITY, 7);

    @RegisterExtension
    final OpenLearners learners = new OpenLearners();

    private OnlineLearner learner(LearnerOptions options) {
        return learners.open(new OnlineLearner(SPEC.build(), options));
    }

    private static void feed(OnlineLearner learner, List<Sample> samples) {
        for (Sample s : samples) {
            learner.add(s);
            if (learner.isFull()) {
                learner.learn();
            }
        }
        learner.learn();
    }

    @Test
    void shouldBeDeterministicWithReplayGivenTheSeedAndDependOnIt() {
        List<Sample> data = new Blobs(4, 8, 2).take(800);
        OnlineLearner a = learner(REPLAY);
        OnlineLearner b = learner(REPLAY);
        OnlineLearner otherSeed = learner(new LearnerOptions(16, 2, 200, 16, 0.001, 2000, InputScaling.IDENTITY, 8));
        feed(a, data);
        feed(b, data);
        feed(otherSeed, data);

        assertThat(a.network().params()).isEqualTo(b.network().params());
        assertThat(a.prequentialAccuracy()).isEqualTo(b.prequentialAccuracy()).isGreaterThan(0.8);
        assertThat(otherSeed.network().params()).as("other replay draws").isNotEqualTo(a.network().params());
    }

    @Test
    void shouldTakeTheConfiguredUpdatesPerBatch() {
        OnlineLearner learner = learner(REPLAY);
        feed(learner, new Blobs(4, 8, 3).take(64));

        assertThat(learner.batches()).isEqualTo(4);
        assertThat(learner.network().getIterationCount()).isEqualTo(8);
    }

    @Test
    void shouldDecayTheLearningRateLinearlyInStepsToItsMinimum() {
        OnlineLearner learner = learner(REPLAY);

        assertThat(learner.scheduledRate(0)).isEqualTo(0.01);
        assertThat(learner.scheduledRate(999)).isEqualTo(0.01);
        assertThat(learner.scheduledRate(1000)).isCloseTo(0.0055, offset(1e-12));
        assertThat(learner.scheduledRate(2000)).isCloseTo(0.001, offset(1e-12));
        assertThat(learner.scheduledRate(1_000_000)).isCloseTo(0.001, offset(1e-12));

        feed(learner, new Blobs(4, 8, 4).take(1040));
        assertThat(learner.learningRate()).isCloseTo(0.0055, offset(1e-12));
        assertThat(learner.network().getLearningRate(0)).isCloseTo(0.0055, offset(1e-12));
    }

    @Test
    void shouldResetTheOptimizerAndReplayAndBoostTheRatesForAWhileAfterADrift() {
        OnlineLearner learner = learner(REPLAY);
        feed(learner, new Blobs(4, 8, 5).take(320));

        learner.resetForDrift(3, 20, 64);

        assertThat(learner.network().getUpdater().getStateViewArray().sumNumber().doubleValue()).isZero();
        assertThat(learner.network().getIterationCount()).isZero();
        feed(learner, new Blobs(4, 8, 6).take(32));
        assertThat(learner.network().getLearningRate(0)).isCloseTo(0.03, offset(1e-12));
        assertThat(learner.network().getLearningRate(1)).isCloseTo(0.2, offset(1e-12));
        assertThat(learner.boostLeft()).isEqualTo(32);
        feed(learner, new Blobs(4, 8, 7).take(64));
        assertThat(learner.boostLeft()).isZero();
        assertThat(learner.network().getLearningRate(0)).isEqualTo(learner.network().getLearningRate(1)).isEqualTo(0.01);
    }

    @Test
    void shouldDigestTheIdsOfEveryLearnedSampleOnce() {
        List<Sample> data = new Blobs(4, 8, 8).take(50);
        OnlineLearner learner = learner(REPLAY);
        learner.add(data.get(0));
        assertThat(learner.digest()).as("buffered is not learned").isZero();

        feed(learner, data.subList(1, 50));

        long expected = data.stream().mapToLong(s -> SampleDigest.of(s.getId())).sum();
        assertThat(learner.digest()).isEqualTo(expected);
        assertThat(SampleDigest.format(learner.digest())).hasSize(16);
    }

    @Test
    void shouldLearnTheScaledFeatures() {
        InputScaling scaling = new InputScaling(1.5f, 0.5f);
        List<Sample> data = new Blobs(4, 8, 9).take(200);
        OnlineLearner scaled = learner(new LearnerOptions(16, 2, 200, 16, 0.001, 2000, scaling, 7));
        OnlineLearner preScaled = learner(REPLAY);
        feed(scaled, data);
        feed(preScaled, data.stream().map(s -> {
            Sample.Builder b = s.toBuilder().clearFeatures();
            s.getFeaturesList().forEach(f -> b.addFeatures(scaling.apply(f)));
            return b.build();
        }).toList());

        assertThat(scaled.network().params()).isEqualTo(preScaled.network().params());
    }

    @Test
    void shouldContinueFromItsSavedStateExactlyAsIfNeverInterrupted() throws IOException {
        List<Sample> first = new Blobs(4, 8, 10).take(600);
        List<Sample> second = new Blobs(4, 8, 11).take(600);
        OnlineLearner uninterrupted = learner(REPLAY);
        feed(uninterrupted, first);
        uninterrupted.resetForDrift(3, 20, 300); // the saved state holds a running boost: per-layer rates
        feed(uninterrupted, second.subList(0, 100));
        byte[] state = save(uninterrupted);

        OnlineLearner restored = learner(REPLAY);
        restored.readState(new DataInputStream(new ByteArrayInputStream(state)));
        assertThat(restored.network().params()).isEqualTo(uninterrupted.network().params());
        feed(uninterrupted, second.subList(100, 600));
        feed(restored, second.subList(100, 600));

        assertThat(restored.network().params()).isEqualTo(uninterrupted.network().params());
        assertThat(restored.network().getUpdater().getStateViewArray())
                .isEqualTo(uninterrupted.network().getUpdater().getStateViewArray());
        assertThat(restored.samplesLearned()).isEqualTo(uninterrupted.samplesLearned()).isEqualTo(1200);
        assertThat(restored.batches()).isEqualTo(uninterrupted.batches());
        assertThat(restored.prequentialAccuracy()).isEqualTo(uninterrupted.prequentialAccuracy());
        assertThat(restored.windowAccuracy()).isEqualTo(uninterrupted.windowAccuracy());
        assertThat(restored.digest()).isEqualTo(uninterrupted.digest());
        assertThat(restored.lastLoss()).isEqualTo(uninterrupted.lastLoss());
    }

    @Test
    void shouldRefuseTheStateOfAnotherNetwork() throws IOException {
        OnlineLearner learner = learner(REPLAY);
        feed(learner, new Blobs(4, 8, 12).take(40));
        byte[] state = save(learner);

        OnlineLearner wider = learners.open(
                new OnlineLearner(new NetworkSpec(8, List.of(32), "relu", 4, "adam", 0.01, 42).build(), REPLAY));
        assertThatThrownBy(() -> wider.readState(new DataInputStream(new ByteArrayInputStream(state))))
                .isInstanceOf(IOException.class).hasMessageContaining("parameters");
        OnlineLearner sgd = learners.open(
                new OnlineLearner(new NetworkSpec(8, List.of(16), "relu", 4, "sgd", 0.01, 42).build(), REPLAY));
        assertThatThrownBy(() -> sgd.readState(new DataInputStream(new ByteArrayInputStream(state))))
                .isInstanceOf(IOException.class).hasMessageContaining("optimizer");
        OnlineLearner noReplay = learners.open(new OnlineLearner(SPEC.build(), LearnerOptions.plain(16)));
        assertThatThrownBy(() -> noReplay.readState(new DataInputStream(new ByteArrayInputStream(state))))
                .isInstanceOf(IOException.class).hasMessageContaining("replay buffer");
    }

    static byte[] save(OnlineLearner learner) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            learner.writeState(out);
        }
        return bytes.toByteArray();
    }
}

package io.streamlearn.scorer.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import com.google.protobuf.ByteString;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.scorer.model.ModelRejectedException.Reason;
import io.streamlearn.scorer.testing.TestModels;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class OnnxModelTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

    @Test
    void shouldPredictProbabilitiesForAWholeBatchInOneCall() throws Exception {
        try (OnnxModel model = OnnxModel.load(ENV, TestModels.snapshot(3, 4, 3), 4)) {
            float[][] probabilities = model.predict(new float[][] {{1, 0, 0, 0}, {0, 0, 1, 0}, {0, 1, 0, 5}});

            assertThat(probabilities).hasDimensions(3, 3);
            assertThat(probabilities[0][0]).isGreaterThan(0.99f);
            assertThat(probabilities[1][2]).isGreaterThan(0.99f);
            assertThat(probabilities[2][1]).isGreaterThan(0.99f);
            for (float[] row : probabilities) {
                assertThat(row[0] + row[1] + row[2]).isCloseTo(1f, within(1e-5f));
            }
            assertThat(model.version()).isEqualTo(3);
            assertThat(model.modelName()).isEqualTo(TestModels.MODEL);
            assertThat(model.classNames()).containsExactly("class-0", "class-1", "class-2");
        }
    }

    @Test
    void shouldScoreAnyBatchSizeWithAGraphOfFixedBatchSize() throws Exception {
        byte[] fixed = TestModels.withFixedBatch(TestModels.onnx(4, 3, 0, TestModels.INPUT, TestModels.OUTPUT), 2);
        try (OnnxModel model = OnnxModel.load(ENV, TestModels.snapshotBuilder(1, 4, 3, ByteString.copyFrom(fixed))
                .build(), 4)) {
            float[][] probabilities = model.predict(new float[][] {{0, 0, 1, 0}, {1, 0, 0, 0}, {0, 1, 0, 0}});

            assertThat(probabilities).hasDimensions(3, 3);
            assertThat(probabilities[0][2]).isGreaterThan(0.99f);
            assertThat(probabilities[1][0]).isGreaterThan(0.99f);
            assertThat(probabilities[2][1]).isGreaterThan(0.99f);
        }
    }

    @Test
    void shouldReturnNothingForAnEmptyBatch() throws Exception {
        try (OnnxModel model = OnnxModel.load(ENV, TestModels.snapshot(1, 4, 3), 4)) {
            assertThat(model.predict(new float[0][])).isEmpty();
        }
    }

    @Test
    void shouldRejectCorruptOnnxBytesNamingTheVersion() {
        ModelSnapshot corrupt = TestModels.snapshotBuilder(7, 4, 3,
                ByteString.copyFromUtf8("definitely not an onnx graph")).build();

        assertRejected(() -> OnnxModel.load(ENV, corrupt, 4), Reason.UNLOADABLE, "v7");
    }

    @Test
    void shouldRejectSnapshotWithWrongInputSize() {
        assertRejected(() -> OnnxModel.load(ENV, TestModels.snapshot(2, 3, 3), 4), Reason.INPUT_SIZE_MISMATCH,
                "input size 3");
    }

    @Test
    void shouldRejectGraphWhoseInputDisagreesWithItsMetadata() {
        ModelSnapshot lying = TestModels.snapshotBuilder(2, 4, 3,
                ByteString.copyFrom(TestModels.onnx(5, 3, 0, TestModels.INPUT, TestModels.OUTPUT))).build();

        assertRejected(() -> OnnxModel.load(ENV, lying, 4), Reason.SIGNATURE_MISMATCH, "input shape");
    }

    @Test
    void shouldRejectGraphWithAnotherClassCount() {
        ModelSnapshot lying = TestModels.snapshotBuilder(2, 4, 3,
                ByteString.copyFrom(TestModels.onnx(4, 2, 0, TestModels.INPUT, TestModels.OUTPUT))).build();

        assertRejected(() -> OnnxModel.load(ENV, lying, 4), Reason.SIGNATURE_MISMATCH, "3 classes");
    }

    @Test
    void shouldRejectGraphWhoseTensorNamesDifferFromTheSnapshot() {
        ModelSnapshot renamedInput = TestModels.snapshotBuilder(2, 4, 3,
                ByteString.copyFrom(TestModels.onnx(4, 3, 0, "features", TestModels.OUTPUT))).build();
        ModelSnapshot renamedOutput = TestModels.snapshotBuilder(2, 4, 3,
                ByteString.copyFrom(TestModels.onnx(4, 3, 0, TestModels.INPUT, "logits"))).build();

        assertRejected(() -> OnnxModel.load(ENV, renamedInput, 4), Reason.SIGNATURE_MISMATCH, "features");
        assertRejected(() -> OnnxModel.load(ENV, renamedOutput, 4), Reason.SIGNATURE_MISMATCH, "logits");
    }

    @Test
    void shouldRejectSnapshotWithoutClassNames() {
        ModelSnapshot noClasses = TestModels.snapshot(2, 4, 3).toBuilder().clearClassNames().build();

        assertRejected(() -> OnnxModel.load(ENV, noClasses, 4), Reason.INVALID_METADATA, "class names");
    }

    @Test
    void shouldTellWhichRecordsItsLineageCovers() throws Exception {
        try (OnnxModel model = OnnxModel.load(ENV, TestModels.snapshot(1, 4, 3, 0, 10), 4)) {
            assertThat(model.hasLearned(Topics.SAMPLES.name(), 0, 9)).isTrue();
            assertThat(model.hasLearned(Topics.SAMPLES.name(), 0, 10)).isFalse();
            assertThat(model.hasLearned(Topics.SAMPLES.name(), 1, 0)).isFalse();
            assertThat(model.hasLearned(Topics.EVENTS.name(), 0, 0)).isFalse();
        }
    }

    @Test
    void shouldRefuseRowsOfTheWrongWidth() throws Exception {
        try (OnnxModel model = OnnxModel.load(ENV, TestModels.snapshot(1, 4, 3), 4)) {
            assertThatThrownBy(() -> model.predict(new float[][] {{1, 2, 3}}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("got 3");
        }
    }

    @Test
    void shouldRefuseToPredictOrCloseAgainOnceClosed() throws Exception {
        OnnxModel model = OnnxModel.load(ENV, TestModels.snapshot(1, 4, 3), 4);
        model.close();

        assertThat(model.isClosed()).isTrue();
        assertThatThrownBy(() -> model.predict(new float[][] {{1, 0, 0, 0}})).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(model::close).hasMessageContaining("closed twice");
    }

    private static void assertRejected(ThrowingCallable load, Reason reason, String messagePart) {
        assertThatThrownBy(load)
                .isInstanceOfSatisfying(ModelRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(TestModels.MODEL)
                .hasMessageContaining(messagePart);
    }
}

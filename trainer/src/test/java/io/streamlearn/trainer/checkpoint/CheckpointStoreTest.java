package io.streamlearn.trainer.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.common.wire.Sample;
import io.streamlearn.trainer.Blobs;
import io.streamlearn.trainer.OpenLearners;
import io.streamlearn.trainer.learn.LearnerOptions;
import io.streamlearn.trainer.learn.NetworkSpec;
import io.streamlearn.trainer.learn.OnlineLearner;
import io.streamlearn.trainer.onnx.InputScaling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    private static final NetworkSpec SPEC = new NetworkSpec(8, List.of(16), "relu", 4, "adam", 0.01, 42);
    private static final LearnerOptions OPTIONS = new LearnerOptions(16, 2, 100, 16, 0.001, 2000, InputScaling.IDENTITY, 7);
    private static final Map<TopicPartition, Long> OFFSETS = Map.of(
            new TopicPartition("samples", 1), 70L, new TopicPartition("samples", 0), 130L);

    @RegisterExtension
    final OpenLearners learners = new OpenLearners();

    @TempDir
    Path dir;

    private OnlineLearner trained() {
        OnlineLearner learner = learners.open(new OnlineLearner(SPEC.build(), OPTIONS));
        for (Sample s : new Blobs(4, 8, 1).take(200)) {
            learner.add(s);
            if (learner.isFull()) {
                learner.learn();
            }
        }
        learner.learn();
        return learner;
    }

    @Test
    void shouldRestoreTheLearnerAndTheOffsetsItWasSavedWith() {
        OnlineLearner saved = trained();
        try (CheckpointStore store = CheckpointStore.open(dir, "digits")) {
            store.save("topic-id", OFFSETS, saved);
        }

        OnlineLearner restored = learners.open(new OnlineLearner(SPEC.build(), OPTIONS));
        try (CheckpointStore store = CheckpointStore.open(dir, "digits")) {
            assertThat(store.restore("topic-id", restored)).contains(OFFSETS);
        }
        assertThat(restored.network().params()).isEqualTo(saved.network().params());
        assertThat(restored.samplesLearned()).isEqualTo(200);
        assertThat(restored.digest()).isEqualTo(saved.digest());
        assertThat(dir.resolve("digits.checkpoint.tmp")).doesNotExist();
    }

    @Test
    void shouldReplaceThePreviousCheckpoint() {
        OnlineLearner learner = trained();
        try (CheckpointStore store = CheckpointStore.open(dir, "digits")) {
            store.save("topic-id", Map.of(new TopicPartition("samples", 0), 1L), learner);
            store.save("topic-id", OFFSETS, learner);
            assertThat(store.restore("topic-id", learners.open(new OnlineLearner(SPEC.build(), OPTIONS))))
                    .contains(OFFSETS);
        }
    }

    @Test
    void shouldFindNothingInAnEmptyFolder() {
        try (CheckpointStore store = CheckpointStore.open(dir.resolve("new"), "digits")) {
            assertThat(store.restore("topic-id", learners.open(new OnlineLearner(SPEC.build(), OPTIONS)))).isEmpty();
        }
    }

    @Test
    void shouldRefuseADamagedCheckpoint() throws IOException {
        try (CheckpointStore store = CheckpointStore.open(dir, "digits")) {
            store.save("topic-id", OFFSETS, trained());
            byte[] bytes = Files.readAllBytes(store.file());
            bytes[bytes.length / 2] ^= 1;
            Files.write(store.file(), bytes);

            assertThatThrownBy(() -> store.restore("topic-id", learners.open(new OnlineLearner(SPEC.build(), OPTIONS))))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("CRC-32");
        }
    }

    @Test
    void shouldRefuseACheckpointOfARecreatedTopicOrAnotherNetwork() {
        try (CheckpointStore store = CheckpointStore.open(dir, "digits")) {
            store.save("topic-id", OFFSETS, trained());

            assertThatThrownBy(() -> store.restore("new-topic-id",
                    learners.open(new OnlineLearner(SPEC.build(), OPTIONS))))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("new-topic-id")
                    .hasMessageContaining("deleted and created again");
            OnlineLearner wider = learners.open(new OnlineLearner(
                    new NetworkSpec(8, List.of(32), "relu", 4, "adam", 0.01, 42).build(),
                    OPTIONS));
            assertThatThrownBy(() -> store.restore("topic-id", wider))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining(store.file().toString())
                    .hasMessageContaining("parameters");
        }
    }

    @Test
    void shouldLetOnlyOneTrainerOfAModelUseTheFolder() {
        try (CheckpointStore first = CheckpointStore.open(dir, "digits");
             CheckpointStore other = CheckpointStore.open(dir, "letters")) {
            assertThatThrownBy(() -> CheckpointStore.open(dir, "digits"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("digits");
            assertThat(other.file()).isNotEqualTo(first.file());
        }
        CheckpointStore.open(dir, "digits").close(); // released
    }

    @Test
    void shouldNameFilesOneToOneAfterTheModel() {
        assertThat(CheckpointStore.fileName("mnist-v2.1")).isEqualTo("mnist-v2.1");
        assertThat(CheckpointStore.fileName("a/b")).isEqualTo("a_2fb");
        assertThat(CheckpointStore.fileName("a_2fb")).isEqualTo("a_5f2fb");
        assertThat(CheckpointStore.fileName("..")).isEqualTo("..");
    }
}

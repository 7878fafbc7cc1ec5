package io.streamlearn.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.trainer.TrainerConfig;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class SnapshotsTest {
    private final TrainerConfig config = TrainerConfig.from(Settings.of(Map.of(
            "streamlearn.trainer.model.name", "m", "streamlearn.trainer.input.size", "8",
            "streamlearn.trainer.classes", "3", "streamlearn.trainer.class.names", "a,b,c")));

    @Test
    void shouldRefuseASnapshotTheModelsTopicWouldNotAccept() {
        ModelSnapshot lineage = Snapshots.lineage(config, 2, 10, Map.of(), Map.of(), 1L);
        ModelSnapshot fits = lineage.toBuilder().setOnnxModel(ByteString.copyFrom(new byte[1024])).build();
        ModelSnapshot tooLarge = lineage.toBuilder()
                .setOnnxModel(ByteString.copyFrom(new byte[Topics.MAX_SNAPSHOT_BYTES])).build();

        Snapshots.requireFits(fits);
        assertThatThrownBy(() -> Snapshots.requireFits(tooLarge))
                .isInstanceOf(SnapshotTooLargeException.class)
                .hasMessageContaining("snapshot m v2 is " + tooLarge.getSerializedSize() + " bytes")
                .hasMessageContaining("16777216-byte limit of models");
    }

    @Test
    void shouldCarryTheLineageInTheSnapshotAndTheOnnxMetadata() {
        ModelSnapshot lineage = Snapshots.lineage(config, 4, 1200,
                Map.of(new TopicPartition("samples", 1), 700L, new TopicPartition("samples", 0), 500L),
                Map.of("loss", 0.25, "prequential_accuracy", 0.9), 123L);

        assertThat(lineage.getModelName()).isEqualTo("m");
        assertThat(lineage.getVersion()).isEqualTo(4);
        assertThat(lineage.getSamplesLearned()).isEqualTo(1200);
        assertThat(lineage.getOffsetsList()).extracting(o -> o.getPartition() + ":" + o.getOffset())
                .containsExactly("0:500", "1:700");
        assertThat(lineage.getInputSize()).isEqualTo(8);
        assertThat(lineage.getClassNamesList()).containsExactly("a", "b", "c");
        assertThat(lineage.getInputName()).isEqualTo("features");
        assertThat(lineage.getOutputName()).isEqualTo("probabilities");

        assertThat(Snapshots.metadata(lineage, 0xabcL))
                .containsEntry("model_name", "m")
                .containsEntry("model_version", "4")
                .containsEntry("samples_learned", "1200")
                .containsEntry("offsets", "samples-0:500,samples-1:700")
                .containsEntry("training_metrics", "loss=0.25,prequential_accuracy=0.9")
                .containsEntry("created_at_ms", "123")
                .containsEntry("input_size", "8")
                .containsEntry("class_names", "a,b,c")
                .containsEntry("learned_sample_digest", "0000000000000abc");
    }
}

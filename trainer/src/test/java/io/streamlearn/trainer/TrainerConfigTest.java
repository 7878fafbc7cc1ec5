package io.streamlearn.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.common.config.ConfigException;
import io.streamlearn.common.config.Settings;
import io.streamlearn.trainer.learn.LearnerOptions;
import io.streamlearn.trainer.onnx.InputScaling;
import io.streamlearn.trainer.service.DriftReaction;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {
    private static TrainerConfig config(Map<String, String> values) {
        return TrainerConfig.from(Settings.of(values));
    }

    @Test
    void shouldDefaultToMnistSizedReluNetworkWithAdam() {
        TrainerConfig c = config(Map.of());

        assertThat(c.modelName()).isEqualTo("default");
        assertThat(c.network().inputSize()).isEqualTo(784);
        assertThat(c.network().hiddenLayers()).containsExactly(100);
        assertThat(c.network().classes()).isEqualTo(10);
        assertThat(c.network().activation()).isEqualTo("relu");
        assertThat(c.network().optimizer()).isEqualTo("adam");
        assertThat(c.network().learningRate()).isEqualTo(0.003);
        assertThat(c.network().seed()).isEqualTo(42);
        assertThat(c.classNames()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        assertThat(c.batchSize()).isEqualTo(32);
        assertThat(c.learning()).isEqualTo(new LearnerOptions(32, 2, 5000, 32, 0.0001, 60_000, InputScaling.IDENTITY, 42));
        assertThat(c.checkpointDir()).isEmpty();
        assertThat(c.drift()).isEqualTo(new DriftReaction(DriftReaction.Policy.RESET, 3, 20, 3000, 250, true));
        assertThat(c.snapshotEverySamples()).isEqualTo(5000);
        assertThat(c.snapshotEvery()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.groupId()).isEqualTo("streamlearn-trainer");
    }

    @Test
    void shouldReadEveryKey() {
        TrainerConfig c = config(Map.ofEntries(
                Map.entry("streamlearn.trainer.model.name", "fraud"),
                Map.entry("streamlearn.trainer.input.size", "8"),
                Map.entry("streamlearn.trainer.classes", "3"),
                Map.entry("streamlearn.trainer.class.names", "ok, suspect ,fraud"),
                Map.entry("streamlearn.trainer.hidden.layers", "16, 8"),
                Map.entry("streamlearn.trainer.activation", "tanh"),
                Map.entry("streamlearn.trainer.optimizer", "nesterovs"),
                Map.entry("streamlearn.trainer.learning.rate", "0.05"),
                Map.entry("streamlearn.trainer.batch.size", "128"),
                Map.entry("streamlearn.trainer.seed", "7"),
                Map.entry("streamlearn.trainer.snapshot.every.samples", "100"),
                Map.entry("streamlearn.trainer.snapshot.every.ms", "2000"),
                Map.entry("streamlearn.trainer.group.id", "g"),
                Map.entry("streamlearn.trainer.poll.timeout.ms", "50"),
                Map.entry("streamlearn.trainer.learning.rate.min", "0.001"),
                Map.entry("streamlearn.trainer.learning.rate.decay.samples", "0"),
                Map.entry("streamlearn.trainer.updates.per.batch", "3"),
                Map.entry("streamlearn.trainer.replay.capacity", "100"),
                Map.entry("streamlearn.trainer.replay.per.batch", "16"),
                Map.entry("streamlearn.trainer.input.offset", "0.5"),
                Map.entry("streamlearn.trainer.input.scale", "2"),
                Map.entry("streamlearn.trainer.checkpoint.dir", "/var/lib/streamlearn"),
                Map.entry("streamlearn.trainer.drift.policy", "none"),
                Map.entry("streamlearn.trainer.drift.learning.rate.factor", "2"),
                Map.entry("streamlearn.trainer.drift.output.learning.rate.factor", "5"),
                Map.entry("streamlearn.trainer.drift.boost.samples", "1000"),
                Map.entry("streamlearn.trainer.drift.snapshot.every.samples", "100"),
                Map.entry("streamlearn.trainer.drift.watch.own.errors", "false")));

        assertThat(c.modelName()).isEqualTo("fraud");
        assertThat(c.network().hiddenLayers()).containsExactly(16, 8);
        assertThat(c.network().activation()).isEqualTo("tanh");
        assertThat(c.network().optimizer()).isEqualTo("nesterovs");
        assertThat(c.classNames()).containsExactly("ok", "suspect", "fraud");
        assertThat(c.batchSize()).isEqualTo(128);
        assertThat(c.network().seed()).isEqualTo(7);
        assertThat(c.snapshotEverySamples()).isEqualTo(100);
        assertThat(c.snapshotEvery()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.groupId()).isEqualTo("g");
        assertThat(c.pollTimeout()).isEqualTo(Duration.ofMillis(50));
        assertThat(c.learning()).isEqualTo(new LearnerOptions(128, 3, 100, 16, 0.001, 0, new InputScaling(0.5f, 2f), 7));
        assertThat(c.checkpointDir()).contains(Path.of("/var/lib/streamlearn"));
        assertThat(c.drift()).isEqualTo(new DriftReaction(DriftReaction.Policy.NONE, 2, 5, 1000, 100, false));
    }

    @Test
    void shouldRejectUnknownKeyNamingIt() {
        assertThatThrownBy(() -> config(Map.of("streamlearn.trainer.batchsize", "32")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.trainer.batchsize");
    }

    @Test
    void shouldRejectBadValuesNamingTheKey() {
        assertRejected("streamlearn.trainer.batch.size", "0");
        assertRejected("streamlearn.trainer.activation", "softplus");
        assertRejected("streamlearn.trainer.optimizer", "adagrad");
        assertRejected("streamlearn.trainer.learning.rate", "-1");
        assertRejected("streamlearn.trainer.hidden.layers", "100,x");
        assertRejected("streamlearn.trainer.hidden.layers", "100,0");
        assertRejected("streamlearn.trainer.snapshot.every.ms", "10");
        assertRejected("streamlearn.trainer.model.name", " ");
        assertRejected("streamlearn.trainer.input.scale", "0");
        assertRejected("streamlearn.trainer.updates.per.batch", "0");
        assertRejected("streamlearn.trainer.drift.policy", "retrain");
    }

    @Test
    void shouldRejectClassNamesThatDoNotMatchTheClassCount() {
        assertThatThrownBy(() -> config(Map.of("streamlearn.trainer.classes", "3",
                "streamlearn.trainer.class.names", "a,b")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.trainer.class.names")
                .hasMessageContaining("2 names for 3 classes");
    }

    @Test
    void shouldRefuseAtStartANetworkWhoseSnapshotsWouldNotFitOnTheModelsTopic() {
        assertThatThrownBy(() -> config(Map.of("streamlearn.trainer.hidden.layers", "4096,1024")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.trainer.hidden.layers")
                .hasMessageContaining("16777216");
    }

    @Test
    void shouldRefuseAReplayReservoirThatWouldNotFitInTheHeap() {
        assertThatThrownBy(() -> config(Map.of("streamlearn.trainer.replay.capacity", "1000000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.trainer.replay.capacity");
    }

    @Test
    void shouldBuildAnExportableNetworkForEveryActivationAndOptimizer() {
        for (String activation : List.of("relu", "leakyrelu", "tanh", "sigmoid", "identity")) {
            for (String optimizer : List.of("adam", "sgd", "nesterovs")) {
                TrainerConfig c = config(Map.of("streamlearn.trainer.activation", activation,
                        "streamlearn.trainer.optimizer", optimizer));
                assertThat(c.network().configuration().getConfs()).hasSize(2);
            }
        }
    }

    private static void assertRejected(String key, String value) {
        assertThatThrownBy(() -> config(Map.of(key, value)))
                .as("%s = '%s'", key, value)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(key);
    }
}

package io.streamlearn.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamlearn.common.config.ConfigException;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.scorer.topology.ScorerTopology;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class ScorerConfigTest {
    @Test
    void shouldUseDocumentedDefaults() {
        ScorerConfig config = ScorerConfig.from(Settings.of(Map.of()));

        assertThat(config.modelName()).isEqualTo("default");
        assertThat(config.inputSize()).isEqualTo(784);
        assertThat(config.applicationId()).isEqualTo("streamlearn-scorer");
        assertThat(config.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(config.stateDir())
                .isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "streamlearn-scorer-state"));
        assertThat(config.commitIntervalMs()).isEqualTo(100);
        assertThat(config.threads()).isEqualTo(1);
        assertThat(config.batching()).isEqualTo(new ScorerConfig.Batching(64, 2));
        assertThat(config.promotion()).isEqualTo(new ScorerConfig.Promotion(true, 500, 0.01, 0, 5));
        assertThat(config.admin()).isEqualTo(new ScorerConfig.Admin("127.0.0.1", 0));
        assertThat(config).isEqualTo(new ScorerConfig("default", 784, "streamlearn-scorer", "exactly_once_v2",
                config.stateDir(), 100, 1));
        assertThat(ScorerConfig.KEYS).allSatisfy(key -> assertThat(key.doc()).isNotBlank());
    }

    @Test
    void shouldReadEveryKey() {
        ScorerConfig config = ScorerConfig.from(Settings.of(Map.ofEntries(
                Map.entry("streamlearn.scorer.model.name", "fraud"),
                Map.entry("streamlearn.scorer.input.size", "30"),
                Map.entry("streamlearn.scorer.application.id", "scorer-b"),
                Map.entry("streamlearn.scorer.processing.guarantee", "at_least_once"),
                Map.entry("streamlearn.scorer.state.dir", "/var/lib/scorer"),
                Map.entry("streamlearn.scorer.commit.interval.ms", "1000"),
                Map.entry("streamlearn.scorer.threads", "4"),
                Map.entry("streamlearn.scorer.batch.max.size", "128"),
                Map.entry("streamlearn.scorer.batch.max.wait.ms", "20"),
                Map.entry("streamlearn.scorer.promotion.enabled", "false"),
                Map.entry("streamlearn.scorer.promotion.samples", "1000"),
                Map.entry("streamlearn.scorer.promotion.margin", "0.05"),
                Map.entry("streamlearn.scorer.pinned.version", "42"),
                Map.entry("streamlearn.scorer.retained.versions", "3"),
                Map.entry("streamlearn.scorer.admin.host", "0.0.0.0"),
                Map.entry("streamlearn.scorer.admin.port", "8082"))));

        assertThat(config).isEqualTo(new ScorerConfig("fraud", 30, "scorer-b", "at_least_once",
                Path.of("/var/lib/scorer"), 1000, 4, new ScorerConfig.Batching(128, 20),
                new ScorerConfig.Promotion(false, 1000, 0.05, 42, 3), new ScorerConfig.Admin("0.0.0.0", 8082)));
    }

    @Test
    void shouldRejectUnknownKeysUnderItsPrefix() {
        assertThatThrownBy(() -> ScorerConfig.from(Settings.of(Map.of("streamlearn.scorer.treads", "2"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("streamlearn.scorer.treads");
    }

    @Test
    void shouldRejectAnUnsupportedProcessingGuarantee() {
        assertThatThrownBy(() -> ScorerConfig.from(Settings.of(Map.of(
                "streamlearn.scorer.processing.guarantee", "exactly_once"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("processing.guarantee");
    }

    @Test
    void shouldRejectAMarginOutsideZeroToOne() {
        assertThatThrownBy(() -> ScorerConfig.from(Settings.of(Map.of(
                "streamlearn.scorer.promotion.margin", "1.5"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("promotion.margin");
    }

    @Test
    void shouldPassGuaranteeStateDirAndClientSettingsToKafkaStreams() {
        ScorerConfig config = new ScorerConfig("m", 4, "scorer-x", "exactly_once_v2", Path.of("/data/scorer"), 250, 2);
        KafkaSettings kafka = new KafkaSettings("broker:9093", 3, (short) 3,
                Map.of("security.protocol", "SSL", "processing.guarantee", "at_least_once"));

        Properties p = ScorerTopology.streamsProperties(config, kafka);

        assertThat(p).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "scorer-x")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9093")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, Path.of("/data/scorer").toString())
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 250L)
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2)
                .containsEntry(StreamsConfig.POLL_MS_CONFIG, 2L)
                .containsEntry(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED)
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 3)
                .containsEntry(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class)
                .containsEntry("security.protocol", "SSL");
        new StreamsConfig(p);
    }

    @Test
    void shouldLingerOneMillisecondOnPredictionsUnlessTheOperatorSetsALinger() {
        ScorerConfig config = new ScorerConfig("m", 4, "scorer-x", "at_least_once", Path.of("/data/scorer"), 100, 1);
        KafkaSettings none = new KafkaSettings("broker:9093", 3, (short) 1, Map.of());
        KafkaSettings allClients = new KafkaSettings("broker:9093", 3, (short) 1, Map.of("linger.ms", "20"));
        KafkaSettings streamsProducer = new KafkaSettings("broker:9093", 3, (short) 1,
                Map.of("producer.linger.ms", "7"));

        assertThat(ScorerTopology.streamsProperties(config, none)).containsEntry("producer.linger.ms", 1);
        assertThat(ScorerTopology.streamsProperties(config, allClients)).containsEntry("linger.ms", "20")
                .doesNotContainKey("producer.linger.ms");
        assertThat(ScorerTopology.streamsProperties(config, streamsProducer)).containsEntry("producer.linger.ms", "7");
        assertThat(new StreamsConfig(ScorerTopology.streamsProperties(config, none)).getProducerConfigs("c"))
                .containsEntry("linger.ms", 1);
    }
}

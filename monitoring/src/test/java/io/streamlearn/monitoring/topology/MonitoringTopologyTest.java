package io.streamlearn.monitoring.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.DeadLetter;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.monitoring.MonitoringConfig;
import io.streamlearn.monitoring.MonitoringService;
import io.streamlearn.monitoring.accuracy.AccuracyTracker;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitoringTopologyTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private AccuracyTracker tracker;
    private CollectorRegistry registry;
    private TestInputTopic<String, Prediction> predictions;
    private TestInputTopic<String, byte[]> rawPredictions;
    private TestInputTopic<String, Label> labels;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void setUp() {
        MonitoringConfig config = MonitoringConfig.from(Settings.of(Map.of(
                "streamlearn.monitoring.state.dir", stateDir.toString(),
                "streamlearn.monitoring.join.window.ms", Long.toString(Duration.ofHours(6).toMillis()))));
        registry = new CollectorRegistry();
        MonitoringMetrics metrics = new MonitoringMetrics(registry);
        tracker = new AccuracyTracker(config.accuracyWindow(), config.trackedVersions(), metrics);
        StreamsBuilder builder = new StreamsBuilder();
        MonitoringTopology.build(builder, config, tracker, metrics);
        driver = new TopologyTestDriver(builder.build(),
                MonitoringService.streamsProperties(config, KafkaSettings.local("unused:9092", 1)));
        predictions = driver.createInputTopic(Topics.PREDICTIONS.name(), Serdes.String().serializer(),
                Topics.PREDICTIONS.valueSerde().serializer(), T0, Duration.ZERO);
        rawPredictions = driver.createInputTopic(Topics.PREDICTIONS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), T0, Duration.ZERO);
        labels = driver.createInputTopic(Topics.LABELS.name(), Serdes.String().serializer(),
                Topics.LABELS.valueSerde().serializer(), T0, Duration.ZERO);
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), Serdes.String().deserializer(),
                Topics.DEAD_LETTERS.valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldEvaluateSamplePredictionsTheModelHadNotLearned() {
        predictions.pipeInput("s1", sample(1, 3, 3, false), T0);
        predictions.pipeInput("s2", sample(1, 3, 4, false), T0);
        predictions.pipeInput("s3", sample(1, 5, 5, true), T0);

        assertThat(tracker.evaluated(MonitoringTopology.SAMPLE)).isEqualTo(2);
        assertThat(tracker.windowAccuracy(MonitoringTopology.SAMPLE)).isEqualTo(0.5);
        assertThat(registry.getSampleValue("streamlearn_monitoring_skipped_total",
                new String[] {"reason"}, new String[] {"seen_in_training"})).isEqualTo(1.0);
    }

    @Test
    void shouldJoinEventPredictionWithLabelArrivingHoursLater() {
        Instant labelTime = T0.plus(Duration.ofHours(2));
        predictions.pipeInput("e1", event("e1", 7, 2), T0);
        labels.pipeInput("e1", Label.newBuilder().setEventId("e1").setLabel(2)
                .setTimestampMs(labelTime.toEpochMilli()).build(), labelTime);

        assertThat(tracker.evaluated(MonitoringTopology.EVENT)).isEqualTo(1);
        assertThat(tracker.versionAccuracies(MonitoringTopology.EVENT)).containsEntry(7L, 1.0);
        assertThat(registry.getSampleValue("streamlearn_monitoring_label_delay_seconds_sum"))
                .isEqualTo(Duration.ofHours(2).toSeconds());
    }

    @Test
    void shouldNotJoinLabelArrivingAfterTheJoinWindow() {
        Instant late = T0.plus(Duration.ofHours(7));
        predictions.pipeInput("e1", event("e1", 7, 2), T0);
        labels.pipeInput("e1", Label.newBuilder().setEventId("e1").setLabel(2).build(), late);

        assertThat(tracker.evaluated(MonitoringTopology.EVENT)).isZero();
    }

    @Test
    void shouldRouteUndecodablePredictionToDeadLettersWithItsOffset() {
        predictions.pipeInput("s1", sample(1, 3, 3, false), T0);
        rawPredictions.pipeInput("bad", new byte[] {(byte) 0xff, 0x01, 0x02}, T0);

        DeadLetter dl = deadLetters.readValue();
        assertThat(dl.getTopic()).isEqualTo(Topics.PREDICTIONS.name());
        assertThat(dl.getOffset()).isEqualTo(1);
        assertThat(dl.getReason()).startsWith("undecodable");
        assertThat(dl.getService()).isEqualTo("monitoring");
        assertThat(tracker.evaluated(MonitoringTopology.SAMPLE)).isEqualTo(1);
    }

    private static Prediction sample(long version, int predicted, int label, boolean seen) {
        return Prediction.newBuilder().setId("s").setSource(Prediction.Source.SAMPLE).setModelVersion(version)
                .setPredictedClass(predicted).setHasLabel(true).setLabel(label).setSeenInTraining(seen).build();
    }

    private static Prediction event(String id, long version, int predicted) {
        return Prediction.newBuilder().setId(id).setSource(Prediction.Source.EVENT).setModelVersion(version)
                .setPredictedClass(predicted).setRecordTimestampMs(T0.toEpochMilli()).build();
    }
}

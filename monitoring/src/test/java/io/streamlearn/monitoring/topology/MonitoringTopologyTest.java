package io.streamlearn.monitoring.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.DeadLetter;
import io.streamlearn.common.wire.DriftAlert;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.monitoring.MonitoringConfig;
import io.streamlearn.monitoring.MonitoringService;
import io.streamlearn.monitoring.accuracy.AccuracyTracker;
import io.streamlearn.monitoring.drift.DriftMonitor;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.state.BuiltInDslStoreSuppliers;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MonitoringTopologyTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final long DETECTED_AT = 1_767_225_600_000L;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private AccuracyTracker tracker;
    private DriftMonitor drift;
    private CollectorRegistry registry;
    private TestInputTopic<String, Prediction> predictions;
    private TestInputTopic<String, byte[]> rawPredictions;
    private TestInputTopic<String, Label> labels;
    private TestInputTopic<String, Sample> samples;
    private TestOutputTopic<String, DeadLetter> deadLetters;
    private TestOutputTopic<String, DriftAlert> alerts;

    private void start(Map<String, String> overrides) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "streamlearn.monitoring.state.dir", stateDir.toString(),
                "streamlearn.monitoring.model.name", "mnist",
                "streamlearn.monitoring.join.window.ms", Long.toString(Duration.ofHours(6).toMillis())));
        settings.putAll(overrides);
        MonitoringConfig config = MonitoringConfig.from(Settings.of(settings));
        registry = new CollectorRegistry();
        MonitoringMetrics metrics = new MonitoringMetrics(registry);
        tracker = new AccuracyTracker(config.accuracyWindow(), config.trackedVersions(), config.fadingFactor(),
                config.maxClasses(), metrics);
        drift = new DriftMonitor(config.drift(), config.modelName(), config.maxClasses(), metrics, () -> DETECTED_AT);
        Properties props = MonitoringService.streamsProperties(config, KafkaSettings.local("unused:9092", 1));
        // In-memory join stores: the driver commits after every record, which flushes RocksDB each time.
        props.put(StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG,
                BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        MonitoringTopology.build(builder, config, tracker, drift, metrics);
        driver = new TopologyTestDriver(builder.build(), props, T0);
        predictions = driver.createInputTopic(Topics.PREDICTIONS.name(), Serdes.String().serializer(),
                Topics.PREDICTIONS.valueSerde().serializer(), T0, Duration.ZERO);
        rawPredictions = driver.createInputTopic(Topics.PREDICTIONS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), T0, Duration.ZERO);
        labels = driver.createInputTopic(Topics.LABELS.name(), Serdes.String().serializer(),
                Topics.LABELS.valueSerde().serializer(), T0, Duration.ZERO);
        samples = driver.createInputTopic(Topics.SAMPLES.name(), Serdes.String().serializer(),
                Topics.SAMPLES.valueSerde().serializer(), T0, Duration.ZERO);
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), Serdes.String().deserializer(),
                Topics.DEAD_LETTERS.valueSerde().deserializer());
        alerts = driver.createOutputTopic(Topics.DRIFT_ALERTS.name(), Serdes.String().deserializer(),
                Topics.DRIFT_ALERTS.valueSerde().deserializer());
    }

    private void start() {
        start(Map.of());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void shouldEvaluateSamplePredictionsTheModelHadNotLearned() {
        start();
        predictions.pipeInput("s1", sample(1, 3, 3, false), T0);
        predictions.pipeInput("s2", sample(1, 3, 4, false), T0);
        predictions.pipeInput("s3", sample(1, 5, 5, true), T0);

        assertThat(tracker.evaluated(MonitoringTopology.SAMPLE)).isEqualTo(2);
        assertThat(tracker.windowAccuracy(MonitoringTopology.SAMPLE)).isEqualTo(0.5);
        assertThat(metric("streamlearn_monitoring_skipped_total", "reason", "seen_in_training")).isEqualTo(1.0);
        assertThat(metric("streamlearn_monitoring_predictions_total", "source", "class", "sample", "3")).isEqualTo(2.0);
    }

    @Test
    void shouldJoinEventPredictionWithLabelArrivingHoursLater() {
        start();
        Instant labelTime = T0.plus(Duration.ofHours(2));
        predictions.pipeInput("e1", event("e1", 7, 2), T0);
        labels.pipeInput("e1", label("e1", 2, labelTime), labelTime);

        assertThat(tracker.evaluated(MonitoringTopology.EVENT)).isEqualTo(1);
        assertThat(tracker.versionAccuracies(MonitoringTopology.EVENT)).containsEntry(7L, 1.0);
        assertThat(registry.getSampleValue("streamlearn_monitoring_label_delay_seconds_sum"))
                .isEqualTo(Duration.ofHours(2).toSeconds());
    }

    @Test
    void shouldNotJoinLabelArrivingAfterTheJoinWindowAndCountThePredictionUnmatched() {
        start();
        Instant late = T0.plus(Duration.ofHours(7));
        predictions.pipeInput("e1", event("e1", 7, 2), T0);
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        labels.pipeInput("e1", label("e1", 2, late), late);

        assertThat(tracker.evaluated(MonitoringTopology.EVENT)).isZero();
        assertThat(metric("streamlearn_monitoring_unmatched_total", "side", "prediction")).isEqualTo(1.0);
        assertThat(metric("streamlearn_monitoring_unmatched_total", "side", "label")).isZero();
    }

    @Test
    void shouldCountLabelsThatNeverFoundAPredictionOnceTheWindowHasPassed() {
        start();
        labels.pipeInput("ghost", label("ghost", 1, T0), T0);
        predictions.pipeInput("e2", event("e2", 7, 1), T0.plus(Duration.ofHours(1)));
        labels.pipeInput("e2", label("e2", 1, T0.plus(Duration.ofHours(1))), T0.plus(Duration.ofHours(1)));
        assertThat(metric("streamlearn_monitoring_unmatched_total", "side", "label")).isZero();

        driver.advanceWallClockTime(Duration.ofSeconds(2));
        predictions.pipeInput("e3", event("e3", 7, 1), T0.plus(Duration.ofHours(6).plusMinutes(1)));

        assertThat(metric("streamlearn_monitoring_unmatched_total", "side", "label")).isEqualTo(1.0);
        assertThat(metric("streamlearn_monitoring_unmatched_total", "side", "prediction")).isZero();
        assertThat(tracker.evaluated(MonitoringTopology.EVENT)).isEqualTo(1);
    }

    @Test
    void shouldRouteUndecodablePredictionToDeadLettersWithItsOffset() {
        start();
        predictions.pipeInput("s1", sample(1, 3, 3, false), T0);
        rawPredictions.pipeInput("bad", new byte[] {(byte) 0xff, 0x01, 0x02}, T0);

        DeadLetter dl = deadLetters.readValue();
        assertThat(dl.getTopic()).isEqualTo(Topics.PREDICTIONS.name());
        assertThat(dl.getOffset()).isEqualTo(1);
        assertThat(dl.getReason()).startsWith("undecodable: ");
        assertThat(dl.getService()).isEqualTo("monitoring");
        assertThat(registry.getSampleValue("streamlearn_monitoring_dead_letters_total",
                new String[] {"topic", "reason"},
                new String[] {Topics.PREDICTIONS.name(), "undecodable"})).isEqualTo(1.0);
        assertThat(tracker.evaluated(MonitoringTopology.SAMPLE)).isEqualTo(1);
    }

    @Test
    void shouldRoutePredictionWithoutValueToDeadLetters() {
        start();
        rawPredictions.pipeInput("empty", (byte[]) null, T0);

        DeadLetter dl = deadLetters.readValue();
        assertThat(dl.getReason()).isEqualTo("empty_value: the record has no value");
        assertThat(dl.getOffset()).isZero();
        assertThat(registry.getSampleValue("streamlearn_monitoring_dead_letters_total",
                new String[] {"topic", "reason"},
                new String[] {Topics.PREDICTIONS.name(), "empty_value"})).isEqualTo(1.0);
    }

    @Test
    void shouldSkipPredictionsOfAnotherModel() {
        start();
        predictions.pipeInput("s1", sample(1, 3, 3, false).toBuilder().setModelName("other").build(), T0);
        predictions.pipeInput("s2", sample(1, 3, 3, false).toBuilder().setModelName("mnist").build(), T0);

        assertThat(tracker.evaluated(MonitoringTopology.SAMPLE)).isEqualTo(1);
        assertThat(metric("streamlearn_monitoring_skipped_total", "reason", "other_model")).isEqualTo(1.0);
    }

    @Test
    void shouldSendOneErrorRateAlertKeyedByModelNameSoonAfterSampleErrorsJump() {
        start();
        Random random = new Random(1);
        for (int i = 0; i < 3000; i++) {
            boolean wrong = random.nextDouble() < (i < 2000 ? 0.07 : 0.9);
            predictions.pipeInput("s" + i, sample(4, wrong ? 1 : 0, 0, false), T0);
        }

        List<KeyValue<String, DriftAlert>> sent = alerts.readKeyValuesToList();
        List<KeyValue<String, DriftAlert>> errorAlerts = sent.stream()
                .filter(kv -> kv.value.getKind() == DriftAlert.Kind.ERROR_RATE).toList();
        assertThat(errorAlerts).hasSize(1);
        DriftAlert alert = errorAlerts.get(0).value;
        assertThat(errorAlerts.get(0).key).isEqualTo("mnist");
        assertThat(alert.getDetector()).isEqualTo("page-hinkley");
        assertThat(alert.getSource()).isEqualTo("sample");
        assertThat(alert.getModelVersion()).isEqualTo(4);
        assertThat(alert.getEvaluationsSeen()).isBetween(2001L, 2100L);
        assertThat(alert.getDetectedAtMs()).isEqualTo(DETECTED_AT);
        assertThat(alert.getStatistic()).isGreaterThan(50);
        assertThat(drift.alerts()).contains(alert);
        assertThat(metric("streamlearn_monitoring_drift_alerts_total", "detector", "kind", "source",
                "page-hinkley", "error_rate", "sample")).isEqualTo(1.0);
        assertThat(metric("streamlearn_monitoring_drift_detections_total", "detector", "source", "adwin", "sample"))
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void shouldAlertOnAShiftOfTheSamplesMeanFeatureValue() {
        start(Map.of("streamlearn.monitoring.drift.psi.reference.size", "200",
                "streamlearn.monitoring.drift.psi.window.size", "200"));
        Random random = new Random(2);
        for (int i = 0; i < 600; i++) {
            float offset = i < 400 ? 0 : 3;
            samples.pipeInput("s" + i, Sample.newBuilder().setId("s" + i).setLabel(0)
                    .addFeatures((float) random.nextGaussian() + offset).addFeatures(offset).build(), T0);
        }

        List<DriftAlert> sent = alerts.readValuesToList();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getKind()).isEqualTo(DriftAlert.Kind.INPUT_DISTRIBUTION);
        assertThat(sent.get(0).getDetector()).isEqualTo("psi");
        assertThat(sent.get(0).getEvaluationsSeen()).isBetween(401L, 500L);
        assertThat(sent.get(0).getStatistic()).isGreaterThan(0.25);
    }

    @Test
    void shouldAlertWhenOneModelVersionsPredictedClassesShiftButNotWhenANewVersionDiffers() {
        start(Map.of("streamlearn.monitoring.drift.psi.reference.size", "100",
                "streamlearn.monitoring.drift.psi.window.size", "100"));
        Random random = new Random(3);
        for (int i = 0; i < 300; i++) {
            predictions.pipeInput("e" + i, event("e" + i, 1, random.nextInt(4)), T0);
        }
        for (int i = 0; i < 300; i++) {
            predictions.pipeInput("f" + i, event("f" + i, 2, 5 + random.nextInt(2)), T0);
        }
        assertThat(alerts.readValuesToList()).isEmpty();

        for (int i = 0; i < 100; i++) {
            predictions.pipeInput("g" + i, event("g" + i, 2, 0), T0);
        }
        List<DriftAlert> sent = alerts.readValuesToList();
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).getKind()).isEqualTo(DriftAlert.Kind.PREDICTION_DISTRIBUTION);
        assertThat(sent.get(0).getModelVersion()).isEqualTo(2);
        assertThat(metric("streamlearn_monitoring_psi", "source", "kind", "event", "prediction")).isGreaterThan(0.25);
    }

    private Double metric(String name, String label, String value) {
        return registry.getSampleValue(name, new String[] {label}, new String[] {value});
    }

    private Double metric(String name, String label1, String label2, String value1, String value2) {
        return registry.getSampleValue(name, new String[] {label1, label2}, new String[] {value1, value2});
    }

    private Double metric(String name, String l1, String l2, String l3, String v1, String v2, String v3) {
        return registry.getSampleValue(name, new String[] {l1, l2, l3}, new String[] {v1, v2, v3});
    }

    private static Prediction sample(long version, int predicted, int label, boolean seen) {
        return Prediction.newBuilder().setId("s").setSource(Prediction.Source.SAMPLE).setModelVersion(version)
                .setPredictedClass(predicted).setHasLabel(true).setLabel(label).setSeenInTraining(seen).build();
    }

    private static Prediction event(String id, long version, int predicted) {
        return Prediction.newBuilder().setId(id).setSource(Prediction.Source.EVENT).setModelVersion(version)
                .setPredictedClass(predicted).setRecordTimestampMs(T0.toEpochMilli()).build();
    }

    private static Label label(String id, int label, Instant at) {
        return Label.newBuilder().setEventId(id).setLabel(label).setTimestampMs(at.toEpochMilli()).build();
    }
}

package io.streamlearn.scorer.topology;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtEnvironment;
import com.google.protobuf.ByteString;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.DeadLetter;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.scorer.ScorerConfig;
import io.streamlearn.scorer.metrics.ScorerMetrics;
import io.streamlearn.scorer.model.ModelSlot;
import io.streamlearn.scorer.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorerTopologyTest {
    private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
    private static final int INPUT = 4;
    private static final int CLASSES = 3;
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final byte[] GARBAGE = {0x0A, 0x05, 'a'};

    @TempDir
    Path stateDir;

    private final CollectorRegistry registry = new CollectorRegistry();
    private final ModelSlot slot = new ModelSlot();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> models;
    private TestInputTopic<String, byte[]> events;
    private TestInputTopic<String, byte[]> samples;
    private TestOutputTopic<String, Prediction> predictions;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void startDriver() {
        ScorerConfig config = new ScorerConfig(TestModels.MODEL, INPUT, "scorer-test", ScorerConfig.EXACTLY_ONCE_V2,
                stateDir, 100, 1);
        StreamsBuilder builder = new StreamsBuilder();
        ScorerTopology.build(builder, config, slot, new ScorerMetrics(registry), ENV);
        driver = new TopologyTestDriver(builder.build(),
                ScorerTopology.streamsProperties(config, KafkaSettings.local("unused:9092", 1)), START);
        models = driver.createInputTopic(Topics.MODELS.name(), new StringSerializer(), new ByteArraySerializer());
        events = driver.createInputTopic(Topics.EVENTS.name(), new StringSerializer(), new ByteArraySerializer());
        samples = driver.createInputTopic(Topics.SAMPLES.name(), new StringSerializer(), new ByteArraySerializer());
        predictions = driver.createOutputTopic(Topics.PREDICTIONS.name(), new StringDeserializer(),
                Topics.PREDICTIONS.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS.name(), new StringDeserializer(),
                Topics.DEAD_LETTERS.valueSerde().deserializer());
    }

    @AfterEach
    void stopDriver() {
        driver.close();
        slot.close();
    }

    @Test
    void shouldScoreEventsWithTheCurrentModelVersion() {
        publish(TestModels.snapshot(1, INPUT, CLASSES));
        driver.advanceWallClockTime(Duration.ofSeconds(5));

        events.pipeInput("e1", event("e1", 0, 0, 1, 0), START.plusSeconds(1));

        TestRecord<String, Prediction> record = predictions.readRecord();
        Prediction p = record.value();
        assertThat(record.key()).isEqualTo("e1");
        assertThat(p.getId()).isEqualTo("e1");
        assertThat(p.getSource()).isEqualTo(Prediction.Source.EVENT);
        assertThat(p.getPredictedClass()).isEqualTo(2);
        assertThat(p.getProbabilitiesList()).hasSize(CLASSES);
        assertThat(p.getProbabilities(2)).isGreaterThan(0.99f);
        assertThat(p.getModelName()).isEqualTo(TestModels.MODEL);
        assertThat(p.getModelVersion()).isEqualTo(1);
        assertThat(p.getHasLabel()).isFalse();
        assertThat(p.getRecordTimestampMs()).isEqualTo(START.plusSeconds(1).toEpochMilli());
        assertThat(p.getScoredAtMs()).isEqualTo(START.plusSeconds(5).toEpochMilli());
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(metric("streamlearn_scorer_events_scored_total", "source", "event")).isEqualTo(1);
        assertThat(metric("streamlearn_scorer_model_version")).isEqualTo(1);
        assertThat(metric("streamlearn_scorer_scoring_latency_seconds_count")).isEqualTo(1);
    }

    @Test
    void shouldRouteBadEventsToDeadLettersWithPartitionOffsetAndReason() {
        publish(TestModels.snapshot(1, INPUT, CLASSES));
        byte[] wrongCount = event("e2", 1, 2, 3);
        byte[] notFinite = event("e3", 0, Float.NaN, 0, 0);
        byte[] noId = event("", 1, 0, 0, 0);

        events.pipeInput("e0", event("e0", 1, 0, 0, 0));
        events.pipeInput("e1", GARBAGE);
        events.pipeInput("e2", wrongCount);
        events.pipeInput("e3", notFinite);
        events.pipeInput((String) null, noId);

        assertThat(predictions.readValuesToList()).extracting(Prediction::getId).containsExactly("e0");
        List<TestRecord<String, DeadLetter>> letters = deadLetters.readRecordsToList();
        assertThat(letters).extracting(TestRecord::key).containsExactly("e1", "e2", "e3", null);
        assertThat(letters).extracting(r -> r.value().getOffset()).containsExactly(1L, 2L, 3L, 4L);
        assertThat(letters).allSatisfy(r -> {
            assertThat(r.value().getTopic()).isEqualTo(Topics.EVENTS.name());
            assertThat(r.value().getPartition()).isZero();
            assertThat(r.value().getService()).isEqualTo("scorer");
        });
        assertThat(letters).extracting(r -> r.value().getReason()).satisfiesExactly(
                reason -> assertThat(reason).startsWith("undecodable"),
                reason -> assertThat(reason).startsWith("wrong_feature_count").contains("expected 4", "got 3"),
                reason -> assertThat(reason).startsWith("non_finite_feature").contains("feature 1"),
                reason -> assertThat(reason).startsWith("missing_id"));
        assertThat(letters.get(0).value().getValue().toByteArray()).isEqualTo(GARBAGE);
        assertThat(letters.get(1).value().getValue().toByteArray()).isEqualTo(wrongCount);
        assertThat(letters.get(1).value().getKey().toStringUtf8()).isEqualTo("e2");
        assertThat(metric("streamlearn_scorer_dead_letters_total", "reason", "wrong_feature_count")).isEqualTo(1);
    }

    @Test
    void shouldRejectCorruptAndMisfitSnapshotsAndKeepServingTheOldModel() {
        publish(TestModels.snapshot(1, INPUT, CLASSES));

        models.pipeInput(TestModels.MODEL, GARBAGE);
        publish(TestModels.snapshotBuilder(2, INPUT, CLASSES, ByteString.copyFromUtf8("not onnx")).build());
        publish(TestModels.snapshot(3, INPUT + 1, CLASSES));
        events.pipeInput("e1", event("e1", 1, 0, 0, 0));

        assertThat(slot.currentVersion()).isEqualTo(1);
        assertThat(predictions.readValue().getModelVersion()).isEqualTo(1);
        assertThat(metric("streamlearn_scorer_snapshots_rejected_total", "reason", "undecodable")).isEqualTo(1);
        assertThat(metric("streamlearn_scorer_snapshots_rejected_total", "reason", "unloadable")).isEqualTo(1);
        assertThat(metric("streamlearn_scorer_snapshots_rejected_total", "reason", "input_size_mismatch"))
                .isEqualTo(1);
        assertThat(metric("streamlearn_scorer_swaps_total")).isEqualTo(1);
        assertThat(storedSnapshot().getVersion()).isEqualTo(1);
    }

    @Test
    void shouldSwapInANewerSnapshotAndNameItInLaterPredictions() {
        publish(TestModels.snapshot(1, INPUT, CLASSES, 0, 0));
        events.pipeInput("before", event("before", 0, 1, 0, 0));

        publish(TestModels.snapshot(2, INPUT, CLASSES, 1, 0));
        events.pipeInput("after", event("after", 0, 1, 0, 0));
        publish(TestModels.snapshot(1, INPUT, CLASSES, 0, 0));
        events.pipeInput("still", event("still", 0, 1, 0, 0));

        List<Prediction> out = predictions.readValuesToList();
        assertThat(out).extracting(Prediction::getModelVersion).containsExactly(1L, 2L, 2L);
        // v2's weights read feature c + 1 for class c.
        assertThat(out).extracting(Prediction::getPredictedClass).containsExactly(1, 0, 0);
        assertThat(metric("streamlearn_scorer_swaps_total")).isEqualTo(2);
        assertThat(metric("streamlearn_scorer_model_version")).isEqualTo(2);
        assertThat(storedSnapshot().getVersion()).isEqualTo(2);
    }

    @Test
    void shouldMarkSamplesTheModelAlreadyLearnedAsSeenInTraining() {
        publish(TestModels.snapshot(1, INPUT, CLASSES, 0, 2));

        for (int i = 0; i < 4; i++) {
            samples.pipeInput("s" + i, sample("s" + i, i % CLASSES, 1, 0, 0, 0));
        }

        List<Prediction> out = predictions.readValuesToList();
        assertThat(out).extracting(Prediction::getSeenInTraining).containsExactly(true, true, false, false);
        assertThat(out).allSatisfy(p -> {
            assertThat(p.getSource()).isEqualTo(Prediction.Source.SAMPLE);
            assertThat(p.getHasLabel()).isTrue();
            assertThat(p.getPredictedClass()).isZero();
        });
        assertThat(out).extracting(Prediction::getLabel).containsExactly(0, 1, 2, 0);
        assertThat(metric("streamlearn_scorer_events_scored_total", "source", "sample")).isEqualTo(4);
    }

    @Test
    void shouldHoldRecordsUntilTheFirstModelArrivesAndScoreThemInOrder() {
        events.pipeInput("e0", event("e0", 1, 0, 0, 0));
        events.pipeInput("bad", GARBAGE);
        samples.pipeInput("s0", sample("s0", 2, 0, 0, 1, 0));
        events.pipeInput("e1", event("e1", 0, 1, 0, 0));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertThat(predictions.isEmpty()).isTrue();
        assertThat(deadLetters.readValue().getOffset()).isEqualTo(1);

        publish(TestModels.snapshot(1, INPUT, CLASSES));
        events.pipeInput("e2", event("e2", 0, 0, 1, 0));
        assertThat(predictions.readValuesToList()).extracting(Prediction::getId).containsExactly("e0", "e1", "e2");

        driver.advanceWallClockTime(Duration.ofSeconds(1));
        Prediction held = predictions.readValue();
        assertThat(held.getId()).isEqualTo("s0");
        assertThat(held.getModelVersion()).isEqualTo(1);
        assertThat(held.getPredictedClass()).isEqualTo(2);
        assertThat(held.getLabel()).isEqualTo(2);
        assertThat(predictions.isEmpty()).isTrue();
    }

    @Test
    void shouldIgnoreSnapshotsOfOtherModels() {
        models.pipeInput("another-model", TestModels.snapshot(9, INPUT, CLASSES).toByteArray());
        events.pipeInput("e0", event("e0", 1, 0, 0, 0));

        assertThat(slot.currentVersion()).isZero();
        assertThat(predictions.isEmpty()).isTrue();
    }

    @Test
    void shouldScoreEachInputTopicInItsOwnSubTopologySoHeldRecordsAreKeyedByOffset() {
        StreamsBuilder builder = new StreamsBuilder();
        ScorerTopology.build(builder, new ScorerConfig(TestModels.MODEL, INPUT, "shape", ScorerConfig.AT_LEAST_ONCE,
                stateDir, 100, 1), slot, new ScorerMetrics(new CollectorRegistry()), ENV);

        TopologyDescription description = builder.build().describe();

        assertThat(description.globalStores()).hasSize(1);
        assertThat(description.subtopologies()).hasSize(2).allSatisfy(sub -> assertThat(sub.nodes()
                .stream().filter(n -> n instanceof TopologyDescription.Source)
                .flatMap(n -> ((TopologyDescription.Source) n).topicSet().stream()))
                .hasSize(1));
    }

    private void publish(ModelSnapshot snapshot) {
        models.pipeInput(snapshot.getModelName(), snapshot.toByteArray());
    }

    private ModelSnapshot storedSnapshot() {
        try {
            byte[] stored = driver.<String, byte[]>getKeyValueStore(ScorerTopology.MODEL_STORE).get(TestModels.MODEL);
            return ModelSnapshot.parseFrom(stored);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    private double metric(String name, String... labelNameAndValue) {
        String[] names = labelNameAndValue.length == 0 ? new String[0] : new String[] {labelNameAndValue[0]};
        String[] values = labelNameAndValue.length == 0 ? new String[0] : new String[] {labelNameAndValue[1]};
        Double value = registry.getSampleValue(name, names, values);
        return value == null ? Double.NaN : value;
    }

    static byte[] event(String id, float... features) {
        Event.Builder event = Event.newBuilder().setId(id).setTimestampMs(1);
        for (float f : features) {
            event.addFeatures(f);
        }
        return event.build().toByteArray();
    }

    static byte[] sample(String id, int label, float... features) {
        Sample.Builder sample = Sample.newBuilder().setId(id).setLabel(label).setTimestampMs(1);
        for (float f : features) {
            sample.addFeatures(f);
        }
        return sample.build().toByteArray();
    }
}

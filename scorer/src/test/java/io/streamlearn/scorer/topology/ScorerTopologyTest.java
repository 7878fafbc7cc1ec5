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
import io.streamlearn.scorer.model.ServingModels;
import io.streamlearn.scorer.testing.TestModels;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongDeserializer;
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
    private static final String APPLICATION_ID = "scorer-test";

    @TempDir
    Path stateDir;

    private CollectorRegistry registry;
    private ServingModels serving;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> models;
    private TestInputTopic<String, byte[]> events;
    private TestInputTopic<String, byte[]> samples;
    private TestOutputTopic<String, Prediction> predictions;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    /** Scores each record at once and serves every valid snapshot at once, unless a test says otherwise. */
    private static ScorerConfig config(Path stateDir) {
        return new ScorerConfig(TestModels.MODEL, INPUT, APPLICATION_ID, ScorerConfig.EXACTLY_ONCE_V2, stateDir, 100, 1)
                .with(new ScorerConfig.Batching(1, 5))
                .with(ScorerConfig.Promotion.IMMEDIATE);
    }

    @BeforeEach
    void startDriver() {
        startDriver(config(stateDir));
    }

    private void startDriver(ScorerConfig config) {
        if (driver != null) {
            stopDriver();
        }
        registry = new CollectorRegistry();
        ScorerMetrics metrics = new ScorerMetrics(registry);
        serving = new ServingModels(config.promotion(), ENV, INPUT, metrics);
        StreamsBuilder builder = new StreamsBuilder();
        ScorerTopology.build(builder, config, serving, metrics, ENV);
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
        serving.close();
        driver = null;
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
        assertThat(metric("streamlearn_scorer_records_scored_total", "source", "event")).isEqualTo(1);
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

        assertThat(serving.championVersion()).isEqualTo(1);
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
        assertThat(metric("streamlearn_scorer_records_scored_total", "source", "sample")).isEqualTo(4);
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
    void shouldScoreHeldRecordsFromTheStoreWhenMoreWaitThanAreKeptDecoded() {
        int held = ScoringProcessor.MAX_DECODED_FACTOR + 2; // batches of 1: more than are kept decoded in memory
        for (int i = 0; i < held; i++) {
            events.pipeInput("e" + i, event("e" + i, 0, 0, 1, 0));
        }
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        assertThat(predictions.isEmpty()).isTrue();

        publish(TestModels.snapshot(1, INPUT, CLASSES));
        events.pipeInput("late", event("late", 1, 0, 0, 0));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        List<Prediction> out = predictions.readValuesToList();
        assertThat(out).extracting(Prediction::getSourceOffset)
                .containsExactlyElementsOf(LongStream.rangeClosed(0, held).boxed().toList());
        assertThat(out).extracting(Prediction::getPredictedClass).containsOnly(2, 0);
        assertThat(out.get(held).getId()).isEqualTo("late");
        assertThat(out.get(held).getPredictedClass()).isZero();
    }

    @Test
    void shouldIgnoreSnapshotsOfOtherModels() {
        models.pipeInput("another-model", TestModels.snapshot(9, INPUT, CLASSES).toByteArray());
        events.pipeInput("e0", event("e0", 1, 0, 0, 0));

        assertThat(serving.championVersion()).isZero();
        assertThat(predictions.isEmpty()).isTrue();
    }

    @Test
    void shouldScoreEachInputTopicInItsOwnSubTopologySoBufferedRecordsAreKeyedByOffset() {
        StreamsBuilder builder = new StreamsBuilder();
        ScorerTopology.build(builder, new ScorerConfig(TestModels.MODEL, INPUT, "shape", ScorerConfig.AT_LEAST_ONCE,
                stateDir, 100, 1), serving, new ScorerMetrics(new CollectorRegistry()), ENV);

        TopologyDescription description = builder.build().describe();

        assertThat(description.globalStores()).hasSize(1);
        assertThat(description.subtopologies()).hasSize(2).allSatisfy(sub -> assertThat(sub.nodes()
                .stream().filter(n -> n instanceof TopologyDescription.Source)
                .flatMap(n -> ((TopologyDescription.Source) n).topicSet().stream()))
                .hasSize(1));
    }

    @Test
    void shouldScoreWaitingRecordsInOneInferenceCallWhenTheBatchFillsOrTheWaitEnds() {
        startDriver(config(stateDir).with(new ScorerConfig.Batching(4, 5)));
        publish(TestModels.snapshot(1, INPUT, CLASSES));

        for (int i = 0; i < 3; i++) {
            events.pipeInput("e" + i, event("e" + i, 0, 0, 1, 0));
        }
        assertThat(predictions.isEmpty()).isTrue();
        events.pipeInput("e3", event("e3", 1, 0, 0, 0));
        assertThat(predictions.readValuesToList()).extracting(Prediction::getId)
                .containsExactly("e0", "e1", "e2", "e3");
        assertThat(metric("streamlearn_scorer_batch_size_count")).isEqualTo(1);
        assertThat(metric("streamlearn_scorer_batch_size_sum")).isEqualTo(4);

        events.pipeInput("e4", event("e4", 0, 1, 0, 0));
        events.pipeInput("e5", event("e5", 0, 1, 0, 0));
        driver.advanceWallClockTime(Duration.ofMillis(4));
        assertThat(predictions.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofMillis(1));

        assertThat(predictions.readValuesToList()).extracting(Prediction::getId).containsExactly("e4", "e5");
        assertThat(metric("streamlearn_scorer_batch_size_count")).isEqualTo(2);
        assertThat(metric("streamlearn_scorer_batch_size_sum")).isEqualTo(6);
        assertThat(metric("streamlearn_scorer_batch_wait_seconds_count")).isEqualTo(2);
        assertThat(metric("streamlearn_scorer_batch_wait_seconds_sum")).isEqualTo(0.005);
    }

    @Test
    void shouldScoreEveryRecordOnItsOwnFeaturesWhileReusingFeatureArrays() {
        startDriver(config(stateDir).with(new ScorerConfig.Batching(4, 5)));
        Map<String, Integer> expected = new LinkedHashMap<>();
        int held = ScoringProcessor.MAX_DECODED_FACTOR * 4 + 3; // more than are kept decoded: read back from the store
        for (int i = 0; i < held; i++) {
            pipeOneHot("h" + i, i % CLASSES, expected);
        }
        publish(TestModels.snapshot(1, INPUT, CLASSES));
        driver.advanceWallClockTime(Duration.ofMillis(5));
        for (int i = 0; i < 14; i++) {
            pipeOneHot("e" + i, (2 * i + 1) % CLASSES, expected);
            if (i % 5 == 0) { // dead letters whose arrays go back for reuse half-written
                events.pipeInput("bad" + i, event("bad" + i, 9, Float.NaN, 9, 9));
                events.pipeInput("short" + i, event("short" + i, 9, 9));
            }
        }
        driver.advanceWallClockTime(Duration.ofMillis(5));

        assertThat(predictions.readValuesToList()).extracting(p -> Map.entry(p.getId(), p.getPredictedClass()))
                .containsExactlyElementsOf(expected.entrySet());
        assertThat(deadLetters.readValuesToList()).hasSize(6);
    }

    private void pipeOneHot(String id, int hot, Map<String, Integer> expected) {
        float[] features = new float[INPUT];
        features[hot] = 1;
        events.pipeInput(id, event(id, features));
        expected.put(id, hot);
    }

    @Test
    void shouldKeepRecordsWaitingAcrossACommitInTheChangelogUntilTheyAreScored() {
        startDriver(config(stateDir).with(new ScorerConfig.Batching(4, 5)));
        publish(TestModels.snapshot(1, INPUT, CLASSES));
        TestOutputTopic<Long, byte[]> changelog = driver.createOutputTopic(
                APPLICATION_ID + "-" + ScorerTopology.bufferStoreName(InputKind.EVENTS) + "-changelog",
                new LongDeserializer(), new ByteArrayDeserializer());

        events.pipeInput("e0", event("e0", 1, 0, 0, 0));
        events.pipeInput("e1", event("e1", 0, 1, 0, 0));

        List<TestRecord<Long, byte[]>> buffered = changelog.readRecordsToList();
        assertThat(buffered).extracting(TestRecord::key).containsExactly(0L, 1L);
        assertThat(buffered).allSatisfy(r -> assertThat(r.value()).isNotNull());
        assertThat(predictions.isEmpty()).isTrue();

        driver.advanceWallClockTime(Duration.ofMillis(5));

        assertThat(predictions.readValuesToList()).extracting(Prediction::getId).containsExactly("e0", "e1");
        List<TestRecord<Long, byte[]>> scored = changelog.readRecordsToList();
        assertThat(scored).extracting(TestRecord::key).containsExactly(0L, 1L);
        assertThat(scored).allSatisfy(r -> assertThat(r.value()).isNull());
    }

    @Test
    void shouldNotPromoteAWorseCandidateButPromoteABetterOne() {
        startDriver(config(stateDir).with(new ScorerConfig.Batching(4, 5))
                .with(new ScorerConfig.Promotion(true, 20, 0.01, 0, 5)));
        // Labels follow shift 0. Shift 1 is right on label 0 only, shift 2 never, shift 0 always.
        publish(TestModels.snapshot(1, INPUT, CLASSES, 1, 0));
        pipeLabeledSamples(0, 4);
        publish(TestModels.snapshot(2, INPUT, CLASSES, 2, 0));
        assertThat(metric("streamlearn_scorer_candidate_version")).isEqualTo(2);

        pipeLabeledSamples(4, 24);

        assertThat(metric("streamlearn_scorer_candidates_rejected_total")).isEqualTo(1);
        assertThat(metric("streamlearn_scorer_candidate_version")).isZero();
        assertThat(metric("streamlearn_scorer_shadow_accuracy_ratio", "role", "champion")).isEqualTo(6 / 20.0);
        assertThat(metric("streamlearn_scorer_shadow_accuracy_ratio", "role", "candidate")).isZero();
        assertThat(serving.championVersion()).isEqualTo(1);

        publish(TestModels.snapshot(3, INPUT, CLASSES, 0, 0));
        pipeLabeledSamples(24, 44);
        assertThat(serving.championVersion()).isEqualTo(3);
        pipeLabeledSamples(44, 48);

        List<Prediction> out = predictions.readValuesToList();
        assertThat(out).hasSize(48).extracting(Prediction::getId).doesNotHaveDuplicates();
        assertThat(out.subList(0, 44)).allSatisfy(p -> assertThat(p.getModelVersion()).isEqualTo(1));
        assertThat(out.subList(44, 48)).allSatisfy(p -> {
            assertThat(p.getModelVersion()).isEqualTo(3);
            assertThat(p.getPredictedClass()).isEqualTo(p.getLabel());
        });
        assertThat(metric("streamlearn_scorer_promotions_total")).isEqualTo(1);
        assertThat(metric("streamlearn_scorer_shadow_accuracy_ratio", "role", "champion")).isEqualTo(7 / 20.0);
        assertThat(metric("streamlearn_scorer_shadow_accuracy_ratio", "role", "candidate")).isEqualTo(1);
        assertThat(metric("streamlearn_scorer_shadow_scored_total")).isEqualTo(40);
        assertThat(metric("streamlearn_scorer_model_version")).isEqualTo(3);
        assertThat(metric("streamlearn_scorer_swaps_total")).isEqualTo(2);
    }

    @Test
    void shouldJudgeACandidateOnlyOnSamplesItHasNotLearned() {
        startDriver(config(stateDir).with(new ScorerConfig.Promotion(true, 5, 0, 0, 5)));
        publish(TestModels.snapshot(1, INPUT, CLASSES, 0, 0));
        pipeLabeledSamples(0, 1);
        // v2 has learned samples up to offset 10 (exclusive): its trial starts at offset 10.
        publish(TestModels.snapshot(2, INPUT, CLASSES, 0, 10));

        pipeLabeledSamples(1, 14);
        assertThat(metric("streamlearn_scorer_shadow_scored_total")).isEqualTo(4);
        assertThat(serving.championVersion()).isEqualTo(1);

        pipeLabeledSamples(14, 15);
        assertThat(serving.championVersion()).isEqualTo(2);
    }

    @Test
    void shouldServeTheNewestSnapshotDirectlyUntilTheFirstRecordIsScored() {
        startDriver(config(stateDir).with(ScorerConfig.Promotion.DEFAULT));
        publish(TestModels.snapshot(1, INPUT, CLASSES, 0, 0));
        publish(TestModels.snapshot(2, INPUT, CLASSES, 1, 0));
        assertThat(serving.championVersion()).isEqualTo(2);

        events.pipeInput("e0", event("e0", 1, 0, 0, 0));
        publish(TestModels.snapshot(3, INPUT, CLASSES, 0, 0));

        assertThat(serving.championVersion()).isEqualTo(2);
        assertThat(serving.candidateVersion()).isEqualTo(3);
        assertThat(metric("streamlearn_scorer_promotions_total")).isZero();
    }

    /** Samples {@code from} until {@code to} (exclusive): one-hot on feature {@code i % 3}, labeled {@code i % 3}. */
    private void pipeLabeledSamples(int from, int to) {
        for (int i = from; i < to; i++) {
            float[] features = new float[INPUT];
            features[i % CLASSES] = 1;
            samples.pipeInput("s" + i, sample("s" + i, i % CLASSES, features));
        }
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

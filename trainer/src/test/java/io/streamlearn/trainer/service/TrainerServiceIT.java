package io.streamlearn.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topic;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.DeadLetter;
import io.streamlearn.common.wire.DriftAlert;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.PartitionOffset;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.trainer.Blobs;
import io.streamlearn.trainer.TrainerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The trainer against a real in-process broker: learning, dead letters, snapshots and their transactions. */
class TrainerServiceIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String MODEL = "blobs";

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker(2);

    private static KafkaSettings kafka() {
        return BROKER.settings();
    }

    @TempDir
    static Path checkpoints;

    private static TrainerConfig config(String snapshotEverySamples, String snapshotEveryMs) {
        return TrainerConfig.from(Settings.of(Map.of(
                "streamlearn.trainer.model.name", MODEL,
                "streamlearn.trainer.input.size", "8",
                "streamlearn.trainer.classes", "4",
                "streamlearn.trainer.class.names", "north,east,south,west",
                "streamlearn.trainer.hidden.layers", "16",
                "streamlearn.trainer.learning.rate", "0.01",
                "streamlearn.trainer.snapshot.every.samples", snapshotEverySamples,
                "streamlearn.trainer.snapshot.every.ms", snapshotEveryMs,
                "streamlearn.trainer.poll.timeout.ms", "100",
                "streamlearn.trainer.checkpoint.dir", checkpoints.toString())));
    }

    @Test
    void shouldLearnTheSamplesPublishSnapshotsAndDeadLetterWhatItCannotLearn() throws Exception {
        Blobs blobs = new Blobs(4, 8, 11);
        List<Sample> training = blobs.take(2000);
        List<Sample> holdout = blobs.take(500);
        Map<String, RecordMetadata> bad = produce(training);

        CollectorRegistry registry = new CollectorRegistry();
        TrainerService service = new TrainerService(config("500", "1000"), kafka(), registry);
        Thread thread = new Thread(service, "trainer-it");
        thread.start();
        List<ModelSnapshot> snapshots;
        try {
            snapshots = read(Topics.MODELS, list -> !list.isEmpty() && list.get(list.size() - 1).getSamplesLearned() == 2000);
            assertThat(service.samplesLearned()).isEqualTo(2000);
            assertThat(service.deadLetters()).isEqualTo(4);
        } finally {
            service.close();
            thread.join(TIMEOUT.toMillis());
        }
        assertThat(thread.isAlive()).isFalse();

        assertThat(snapshots).hasSizeGreaterThanOrEqualTo(3);
        assertThat(snapshots).extracting(ModelSnapshot::getVersion)
                .containsExactlyElementsOf(range(1, snapshots.size()));
        assertThat(snapshots).extracting(ModelSnapshot::getSamplesLearned).isSorted();
        ModelSnapshot last = snapshots.get(snapshots.size() - 1);
        assertThat(last.getModelName()).isEqualTo(MODEL);
        assertThat(last.getClassNamesList()).containsExactly("north", "east", "south", "west");
        assertThat(last.getInputSize()).isEqualTo(8);
        assertThat(last.getTrainingMetricsMap()).containsKeys("prequential_accuracy", "loss");
        assertThat(last.getOffsetsList().stream().mapToLong(PartitionOffset::getOffset).sum())
                .as("every record, learned or dead-lettered, is behind the last snapshot").isEqualTo(2004);
        assertThat(committedOffsets()).as("the group's committed offsets are the snapshot's lineage")
                .isEqualTo(last.getOffsetsList().stream().collect(Collectors.toMap(
                        o -> new TopicPartition(o.getTopic(), o.getPartition()), PartitionOffset::getOffset)));
        assertThat(accuracy(last, holdout)).isGreaterThan(0.9);

        List<DeadLetter> letters = read(Topics.DEAD_LETTERS, list -> list.size() >= 4);
        assertThat(letters).hasSize(4).allSatisfy(letter -> {
            assertThat(letter.getService()).isEqualTo("trainer");
            assertThat(letter.getTopic()).isEqualTo(Topics.SAMPLES.name());
            RecordMetadata source = bad.get(letter.getKey().toStringUtf8());
            assertThat(letter.getPartition()).isEqualTo(source.partition());
            assertThat(letter.getOffset()).isEqualTo(source.offset());
        });
        assertThat(letters).extracting(DeadLetter::getReason)
                .anySatisfy(r -> assertThat(r).startsWith("undecodable: "))
                .anySatisfy(r -> assertThat(r).startsWith("wrong_feature_count: ")
                        .contains("has 3 features, the model expects 8"))
                .anySatisfy(r -> assertThat(r).startsWith("non_finite_feature: ").contains("is NaN"))
                .anySatisfy(r -> assertThat(r).startsWith("label_out_of_range: ").contains("label 7 is outside [0, 4)"));

        assertThat(metric(registry, "streamlearn_trainer_samples_learned_total")).isEqualTo(2000);
        assertThat(metric(registry, "streamlearn_trainer_snapshot_version")).isEqualTo(last.getVersion());
        assertThat(registry.getSampleValue("streamlearn_trainer_dead_letters_total", new String[] {"reason"},
                new String[] {"label_out_of_range"})).isEqualTo(1.0);
        assertThat(metric(registry, "streamlearn_trainer_snapshots_published_total")).isEqualTo(snapshots.size());
        assertThat(metric(registry, "streamlearn_trainer_export_seconds_count")).isEqualTo(snapshots.size());
        assertThat(metric(registry, "streamlearn_trainer_learn_seconds_count"))
                .isEqualTo(metric(registry, "streamlearn_trainer_batches_total")).isPositive();

        shouldResumeFromTheCheckpointAndReactToItsDriftAlerts(last);
    }

    /**
     * A new instance restores the checkpoint (the model of 2000 samples and its offsets), numbers its snapshots after
     * the newest on the topic, learns only what came since, acts on a drift alert of its model only, dead-letters an
     * unreadable alert, and on close publishes what it learned since its last snapshot (here: its only one).
     */
    private void shouldResumeFromTheCheckpointAndReactToItsDriftAlerts(ModelSnapshot previous) throws Exception {
        produce(new Blobs(4, 8, 12).take(100).stream().map(s -> s.toBuilder().setId("more-" + s.getId()).build()).toList());
        CollectorRegistry registry = new CollectorRegistry();
        TrainerService service = new TrainerService(config("1000000", "600000"), kafka(), registry);
        Thread thread = new Thread(service, "trainer-it-2");
        thread.start();
        try {
            awaitUntil(() -> service.samplesLearned() >= 2100, "the restored trainer learns the 100 new samples");
            assertThat(service.samplesLearned()).isEqualTo(2100);
            assertThat(service.snapshotsPublished()).isZero();
            assertThat(service.lastSnapshotVersion()).isEqualTo(previous.getVersion());

            produceAlerts();
            awaitUntil(() -> metric(registry, "streamlearn_trainer_drift_alerts_total") >= 2, "two alerts of the model");
            assertThat(metric(registry, "streamlearn_trainer_drift_reactions_total"))
                    .as("the second alert arrives while the first reaction runs").isEqualTo(1);
        } finally {
            service.close();
            thread.join(TIMEOUT.toMillis());
        }
        List<ModelSnapshot> snapshots = read(Topics.MODELS,
                list -> !list.isEmpty() && list.get(list.size() - 1).getVersion() > previous.getVersion());
        ModelSnapshot next = snapshots.get(snapshots.size() - 1);
        assertThat(next.getVersion()).isEqualTo(previous.getVersion() + 1);
        assertThat(next.getSamplesLearned()).as("restored from the checkpoint").isEqualTo(2100);
        assertThat(next.getOffsetsList().stream().mapToLong(PartitionOffset::getOffset).sum()).isEqualTo(2104);
        assertThat(service.snapshotsPublished()).isEqualTo(1);
        assertThat(read(Topics.DEAD_LETTERS, list -> list.size() >= 5)).filteredOn(l -> l.getTopic().equals(
                Topics.DRIFT_ALERTS.name())).singleElement()
                .satisfies(l -> assertThat(l.getReason()).startsWith("undecodable_drift_alert: "));
    }

    private static void produceAlerts() throws Exception {
        Properties props = KafkaClients.producer(kafka(), "trainer-it-alerts");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (String model : List.of("other-model", MODEL, MODEL)) {
                DriftAlert alert = DriftAlert.newBuilder().setModelName(model).setKind(DriftAlert.Kind.ERROR_RATE)
                        .setDetector("adwin").setDetectedAtMs(System.currentTimeMillis()).build();
                producer.send(new ProducerRecord<>(Topics.DRIFT_ALERTS.name(), model, alert.toByteArray())).get();
            }
            producer.send(new ProducerRecord<>(Topics.DRIFT_ALERTS.name(), MODEL, new byte[] {(byte) 0xff, 0x7f})).get();
        }
    }

    private static void awaitUntil(BooleanSupplier condition, String what) {
        await(what).atMost(TIMEOUT).pollInterval(Duration.ofMillis(50)).until(condition::getAsBoolean);
    }

    /** Produces the samples plus four unlearnable records in between; returns where the bad ones landed, by key. */
    private static Map<String, RecordMetadata> produce(List<Sample> samples) throws Exception {
        Map<Integer, byte[]> badAt = samples.size() < 1000 ? Map.of() : Map.of(
                10, new byte[] {(byte) 0xff, 0x7f, 0x01},
                500, Sample.newBuilder().setId("short").addFeatures(1).addFeatures(2).addFeatures(3).build().toByteArray(),
                1000, samples.get(0).toBuilder().setFeatures(3, Float.NaN).build().toByteArray(),
                1500, samples.get(1).toBuilder().setLabel(7).build().toByteArray());
        Properties props = KafkaClients.producer(kafka(), "trainer-it-producer");
        Map<String, RecordMetadata> bad = new HashMap<>();
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < samples.size(); i++) {
                if (badAt.containsKey(i)) {
                    String key = "bad-" + i;
                    bad.put(key, producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), key, badAt.get(i))).get());
                }
                Sample s = samples.get(i);
                producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), s.getId(), s.toByteArray()));
            }
            producer.flush();
        }
        return bad;
    }

    private static <V> List<V> read(Topic<String, V> topic, Predicate<List<V>> until) {
        Properties props = KafkaClients.consumer(kafka(), "trainer-it-reader", null);
        try (var consumer = new KafkaConsumer<>(props, topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Keyed records stay in order within their partition; MODELS holds one key here.
            List<V> values = new ArrayList<>();
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!until.test(values)) {
                assertThat(System.nanoTime()).as("waiting for records on %s, have %s", topic, values.size()).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
            return values;
        }
    }

    private static Map<TopicPartition, Long> committedOffsets() throws Exception {
        try (Admin admin = Admin.create(KafkaClients.common(kafka(), "trainer-it-admin"))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("streamlearn-trainer")
                    .partitionsToOffsetAndMetadata().get();
            return committed.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    private static double accuracy(ModelSnapshot snapshot, List<Sample> holdout) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(snapshot.getOnnxModel().toByteArray(), new OrtSession.SessionOptions());
             OnnxTensor input = OnnxTensor.createTensor(env, Blobs.features(holdout));
             OrtSession.Result result = session.run(Map.of(snapshot.getInputName(), input))) {
            assertThat(session.getMetadata().getCustomMetadata())
                    .containsEntry("model_version", Long.toString(snapshot.getVersion()))
                    .containsEntry("samples_learned", Long.toString(snapshot.getSamplesLearned()));
            float[][] probabilities = (float[][]) result.get(snapshot.getOutputName()).orElseThrow().getValue();
            int hits = 0;
            for (int i = 0; i < holdout.size(); i++) {
                int best = 0;
                for (int c = 1; c < probabilities[i].length; c++) {
                    if (probabilities[i][c] > probabilities[i][best]) {
                        best = c;
                    }
                }
                hits += best == holdout.get(i).getLabel() ? 1 : 0;
            }
            return (double) hits / holdout.size();
        }
    }

    private static double metric(CollectorRegistry registry, String name) {
        return registry.getSampleValue(name);
    }

    private static List<Long> range(long from, long toInclusive) {
        List<Long> values = new ArrayList<>();
        for (long v = from; v <= toInclusive; v++) {
            values.add(v);
        }
        return values;
    }
}

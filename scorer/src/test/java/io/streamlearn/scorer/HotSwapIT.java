package io.streamlearn.scorer;

import static io.streamlearn.scorer.testing.PredictionChecks.assertExactlyOnePredictionPerEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.ModelSnapshot;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.scorer.testing.CommittedPredictions;
import io.streamlearn.scorer.testing.SteadyEvents;
import io.streamlearn.scorer.testing.TestModels;
import io.streamlearn.testing.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Zero-downtime hot swap on a real broker: 100 snapshots swapped in while events stream at a steady rate. */
class HotSwapIT {
    private static final int INPUT = 4;
    private static final int CLASSES = 3;
    private static final int SNAPSHOTS = 100;
    private static final String MODEL = "hot-swap";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker(2);

    private static KafkaSettings kafka() {
        return BROKER.settings();
    }

    @TempDir
    Path stateDir;

    @Test
    void shouldScoreEveryEventOnceWithForwardOnlyVersionsWhileHundredSnapshotsAreSwappedIn() throws Exception {
        ScorerConfig config = new ScorerConfig(MODEL, INPUT, "hot-swap-it", ScorerConfig.EXACTLY_ONCE_V2, stateDir,
                100, 1).with(ScorerConfig.Promotion.IMMEDIATE);
        CollectorRegistry registry = new CollectorRegistry();
        int sent;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(kafka(), "hot-swap"),
                new StringSerializer(), new ByteArraySerializer());
             ScorerService scorer = new ScorerService(config, kafka(), registry)) {
            publish(producer, 1);
            scorer.start();
            try (SteadyEvents events = SteadyEvents.start(producer, "e", 400, INPUT)) {
                for (int version = 2; version <= SNAPSHOTS + 1; version++) {
                    Thread.sleep(80);
                    publish(producer, version);
                }
                // Events sent once the last version serves can only be scored by it.
                awaitUntil(() -> scorer.currentVersion() == SNAPSHOTS + 1, "the last version serving");
                int servedByLast = events.sent() + 40;
                awaitUntil(() -> events.sent() >= servedByLast, "40 events sent to the last version");
                sent = events.stop();
            }
            try (CommittedPredictions predictions = new CommittedPredictions(kafka(), "hot-swap-reader")) {
                List<ConsumerRecord<String, Prediction>> read = predictions.readUntil(sent,
                        p -> p.getModelName().equals(MODEL), WAIT, Duration.ofSeconds(2));

                assertExactlyOnePredictionPerEvent(read, "e", sent);
                assertEachPredictionMatchesTheVersionItNames(read);
                assertVersionsOnlyMoveForwardPerPartition(read);
                assertThat(read.stream().map(r -> r.value().getModelVersion()).distinct().count())
                        .as("versions that scored events").isGreaterThanOrEqualTo(SNAPSHOTS / 4);
                assertThat(read).extracting(r -> r.value().getModelVersion()).contains((long) SNAPSHOTS + 1);
            }
            assertThat(scorer.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(scorer.currentVersion()).isEqualTo(SNAPSHOTS + 1);
        }
        assertThat(registry.getSampleValue("streamlearn_scorer_swaps_total")).isEqualTo(SNAPSHOTS + 1.0);
        assertThat(sum(registry, "streamlearn_scorer_snapshots_rejected_total")).isZero();
        assertThat(sum(registry, "streamlearn_scorer_dead_letters_total")).isZero();
        // An aborted transaction's batches are scored again, so the in-memory count may exceed the events.
        assertThat(registry.getSampleValue("streamlearn_scorer_batch_size_sum")).isGreaterThanOrEqualTo(sent);
    }

    private static void awaitUntil(BooleanSupplier condition, String what) {
        await(what).atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
    }

    /** Version v shifts its weights by v % INPUT, so the class it predicts for a one-hot event gives it away. */
    private static void assertEachPredictionMatchesTheVersionItNames(List<ConsumerRecord<String, Prediction>> read) {
        for (ConsumerRecord<String, Prediction> record : read) {
            Prediction p = record.value();
            int hot = Integer.parseInt(p.getId().substring(1)) % INPUT;
            int reads = Math.floorMod(hot - (int) (p.getModelVersion() % INPUT), INPUT);
            int expected = reads < CLASSES ? reads : 0; // no class reads the hot feature: uniform, argmax 0
            assertThat(p.getPredictedClass()).as("class of %s predicted by v%d", p.getId(), p.getModelVersion())
                    .isEqualTo(expected);
        }
    }

    private static void assertVersionsOnlyMoveForwardPerPartition(List<ConsumerRecord<String, Prediction>> read) {
        Map<Integer, TreeMap<Long, Long>> versionsByOffset = new HashMap<>();
        for (ConsumerRecord<String, Prediction> record : read) {
            versionsByOffset.computeIfAbsent(record.partition(), p -> new TreeMap<>())
                    .put(record.offset(), record.value().getModelVersion());
        }
        versionsByOffset.forEach((partition, versions) -> {
            long previous = 0;
            for (Map.Entry<Long, Long> entry : versions.entrySet()) {
                assertThat(entry.getValue()).as("version at predictions-%d@%d", partition, entry.getKey())
                        .isGreaterThanOrEqualTo(previous);
                previous = entry.getValue();
            }
        });
    }

    private static void publish(KafkaProducer<String, byte[]> producer, int version) throws Exception {
        ModelSnapshot snapshot = TestModels.snapshot(version, INPUT, CLASSES, version % INPUT, 0).toBuilder()
                .setModelName(MODEL).build();
        producer.send(new ProducerRecord<>(Topics.MODELS.name(), MODEL, snapshot.toByteArray()))
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    private static double sum(CollectorRegistry registry, String name) {
        return Collections.list(registry.metricFamilySamples()).stream().flatMap(f -> f.samples.stream())
                .filter(s -> s.name.equals(name)).mapToDouble(s -> s.value).sum();
    }
}

package io.streamlearn.scorer;

import static io.streamlearn.scorer.testing.PredictionChecks.assertExactlyOnePredictionPerEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Bad snapshots on a real broker, mid-stream: rejected, while the serving model scores every event. */
class SnapshotRejectionIT {
    private static final int INPUT = 4;
    private static final int CLASSES = 3;
    private static final String MODEL = "guarded";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Predicate<Prediction> MINE = p -> p.getModelName().equals(MODEL);

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker(2);

    private static KafkaSettings kafka() {
        return BROKER.settings();
    }

    @TempDir
    Path stateDir;

    @Test
    void shouldRejectCorruptAndMisfitSnapshotsWhileTheServingModelScoresEveryEvent() throws Exception {
        ScorerConfig config = new ScorerConfig(MODEL, INPUT, "rejection-it", ScorerConfig.EXACTLY_ONCE_V2, stateDir,
                100, 1).with(ScorerConfig.Promotion.IMMEDIATE);
        CollectorRegistry registry = new CollectorRegistry();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(kafka(), "rejection"),
                new StringSerializer(), new ByteArraySerializer());
             ScorerService scorer = new ScorerService(config, kafka(), registry);
             CommittedPredictions predictions = new CommittedPredictions(kafka(), "rejection-reader")) {
            publish(producer, snapshot(1, INPUT, 0).build().toByteArray());
            scorer.start();
            int sent;
            List<ConsumerRecord<String, Prediction>> read;
            try (SteadyEvents events = SteadyEvents.start(producer, "g", 200, INPUT)) {
                predictions.readUntil(1, MINE, WAIT, Duration.ZERO);
                publish(producer, snapshot(2, INPUT, 1).setOnnxModel(ByteString.copyFromUtf8("corrupt")).build()
                        .toByteArray());
                publish(producer, snapshot(3, INPUT + 1, 1).build().toByteArray());
                long deadline = System.nanoTime() + WAIT.toNanos();
                await("both snapshots rejected").atMost(WAIT).pollInterval(Duration.ofMillis(10))
                        .until(() -> rejected(registry, "unloadable") + rejected(registry, "input_size_mismatch") >= 2);
                // A second of events scored after both rejections.
                read = predictions.readUntil(predictions.distinctIds() + 200, MINE, WAIT, Duration.ZERO);

                assertThat(read).extracting(r -> r.value().getModelVersion()).containsOnly(1L);
                assertThat(scorer.currentVersion()).isEqualTo(1);
                publish(producer, snapshot(4, INPUT, 1).build().toByteArray());
                while (read.stream().noneMatch(r -> r.value().getModelVersion() == 4)) {
                    assertThat(System.nanoTime()).as("time to serve v4").isLessThan(deadline);
                    read = predictions.readUntil(predictions.distinctIds() + 1, MINE, WAIT, Duration.ZERO);
                }
                sent = events.stop();
            }
            read = predictions.readUntil(sent, MINE, WAIT, Duration.ofSeconds(2));

            assertExactlyOnePredictionPerEvent(read, "g", sent);
            assertThat(read).extracting(r -> r.value().getModelVersion()).containsOnly(1L, 4L).contains(1L, 4L);
            assertThat(scorer.state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertThat(scorer.models().held()).containsExactly(1L, 4L);
            assertThat(scorer.models().rejected()).containsExactly(2L, 3L);
        }
        assertThat(rejected(registry, "unloadable")).isEqualTo(1);
        assertThat(rejected(registry, "input_size_mismatch")).isEqualTo(1);
        assertThat(registry.getSampleValue("streamlearn_scorer_swaps_total")).isEqualTo(2);
    }

    private static ModelSnapshot.Builder snapshot(long version, int inputSize, int shift) {
        return TestModels.snapshot(version, inputSize, CLASSES, shift, 0).toBuilder().setModelName(MODEL);
    }

    private static void publish(KafkaProducer<String, byte[]> producer, byte[] snapshot) throws Exception {
        producer.send(new ProducerRecord<>(Topics.MODELS.name(), MODEL, snapshot)).get(WAIT.toSeconds(),
                TimeUnit.SECONDS);
    }

    private static double rejected(CollectorRegistry registry, String reason) {
        return registry.getSampleValue("streamlearn_scorer_snapshots_rejected_total", new String[] {"reason"},
                new String[] {reason});
    }
}

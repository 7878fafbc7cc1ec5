package io.streamlearn.trainer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.testing.KafkaBroker;
import io.streamlearn.trainer.Blobs;
import io.streamlearn.trainer.TrainerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A second trainer of the same model takes over: its transactional id is the first one's, so starting it fences the
 * first, which must stop with an error that says so (not retry), while the second goes on publishing the model.
 */
class TrainerFencingIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String MODEL = "takeover";

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker(3);

    private static KafkaSettings kafka() {
        return BROKER.settings();
    }

    @Test
    void shouldStopTheFirstTrainerWithAClearErrorWhenASecondOneOfTheSameModelStarts() throws Exception {
        Blobs blobs = new Blobs(4, 8, 5);
        produce(blobs.take(200));
        TrainerService first = new TrainerService(config(), kafka(), new CollectorRegistry());
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        Thread firstThread = new Thread(first, "trainer-first");
        firstThread.setUncaughtExceptionHandler((t, e) -> firstFailure.set(e));
        TrainerService second = new TrainerService(config(), kafka(), new CollectorRegistry());
        Thread secondThread = new Thread(second, "trainer-second");
        try {
            firstThread.start();
            await("the first trainer publishes").atMost(TIMEOUT).until(() -> first.snapshotsPublished() > 0);
            secondThread.start();
            // The first trainer learns of the fencing at its next transaction: keep samples coming until it stops.
            await("the first trainer stops").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
                produce(blobs.take(50));
                return !firstThread.isAlive();
            });
            // Kafka reports the fencing as such, or first as a stale epoch (1 of 3 runs here): both name the cause.
            assertThat(firstFailure.get()).isInstanceOf(KafkaException.class)
                    .hasMessageContaining("another trainer of model " + MODEL)
                    .hasMessageContaining("run one trainer per model")
                    .rootCause().isInstanceOfAny(ProducerFencedException.class, InvalidProducerEpochException.class);

            long publishedByThen = second.snapshotsPublished();
            await("the second trainer goes on publishing").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        produce(blobs.take(50));
                        return second.snapshotsPublished() > publishedByThen;
                    });
            assertThat(secondThread.isAlive()).isTrue();
            assertThat(second.lastSnapshotVersion()).as("versions go on from the first trainer's")
                    .isGreaterThan(first.lastSnapshotVersion());
        } finally {
            first.close();
            second.close();
            firstThread.join(TIMEOUT.toMillis());
            secondThread.join(TIMEOUT.toMillis());
        }
    }

    private static TrainerConfig config() {
        return TrainerConfig.from(Settings.of(Map.of(
                "streamlearn.trainer.model.name", MODEL,
                "streamlearn.trainer.input.size", "8",
                "streamlearn.trainer.classes", "4",
                "streamlearn.trainer.hidden.layers", "16",
                "streamlearn.trainer.snapshot.every.samples", "50",
                "streamlearn.trainer.poll.timeout.ms", "100")));
    }

    private static void produce(List<Sample> samples) {
        Properties props = KafkaClients.producer(kafka(), "trainer-fencing-it-producer");
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (Sample s : samples) {
                producer.send(new ProducerRecord<>(Topics.SAMPLES.name(), s.getId(), s.toByteArray()));
            }
            producer.flush();
        }
    }
}

package io.streamlearn.scorer;

import static io.streamlearn.scorer.testing.PredictionChecks.assertExactlyOnePredictionPerEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.scorer.testing.CommittedPredictions;
import io.streamlearn.scorer.testing.ScorerProcessMain;
import io.streamlearn.scorer.testing.SteadyEvents;
import io.streamlearn.scorer.testing.TestModels;
import io.streamlearn.testing.KafkaBroker;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once across a crash: the scorer runs in its own JVM, is killed with SIGKILL while events stream in and
 * records wait in its batch buffer, and is restarted; a read_committed consumer then sees one prediction per event.
 */
class CrashRecoveryIT {
    private static final int INPUT = 4;
    private static final String MODEL = "crash";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    static final KafkaBroker BROKER = new KafkaBroker(2);

    private static KafkaSettings kafka() {
        return BROKER.settings();
    }

    @TempDir
    Path work;

    @Test
    void shouldEmitExactlyOnePredictionPerEventWhenKilledMidStreamAndRestarted() throws Exception {
        List<Process> processes = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.producer(kafka(), "crash"),
                new StringSerializer(), new ByteArraySerializer());
             CommittedPredictions predictions = new CommittedPredictions(kafka(), "crash-reader")) {
            producer.send(new ProducerRecord<>(Topics.MODELS.name(), MODEL, TestModels.snapshot(1, INPUT, 3)
                    .toBuilder().setModelName(MODEL).build().toByteArray())).get(30, TimeUnit.SECONDS);
            Process first = startScorer(processes, "first");
            int sent;
            int committedBeforeKill;
            try (SteadyEvents events = SteadyEvents.start(producer, "e", 300, INPUT)) {
                // Past the backlog of its group join: the scorer has been batching steadily for a while.
                long deadline = System.nanoTime() + WAIT.toNanos();
                while (predictions.distinctIds() < events.sent() - 300 || predictions.distinctIds() < 1_000) {
                    assertThat(System.nanoTime()).as("time to catch up before the kill").isLessThan(deadline);
                    predictions.poll(p -> p.getModelName().equals(MODEL));
                }
                // New predictions appear right after a flush and its commit, when the committed buffer is empty;
                // half a batch wait later, two more commits have stored the records buffered since.
                Thread.sleep(250);
                first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                committedBeforeKill = predictions.distinctIds();
                int sentAtKill = events.sent();
                assertThat(sentAtKill).as("events sent when killed").isGreaterThan(committedBeforeKill);

                startScorer(processes, "second");
                Thread.sleep(2_000);
                sent = events.stop();
                assertThat(sent).as("events sent after the kill").isGreaterThan(sentAtKill);
            }

            List<ConsumerRecord<String, Prediction>> read = predictions.readUntil(sent,
                    p -> p.getModelName().equals(MODEL), WAIT, Duration.ofSeconds(3));

            assertExactlyOnePredictionPerEvent(read, "e", sent);
            assertThat(committedBeforeKill).isLessThan(sent);
            assertThat(log("second")).as("the restarted scorer found records its predecessor had buffered")
                    .contains("still buffered from before a restart");
        } finally {
            for (Process process : processes) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Starts a scorer JVM on the test classpath; records wait in its batch buffer for up to 500 ms, so that at any
     * moment some are buffered across a commit (every 100 ms), and returns once it serves.
     */
    private Process startScorer(List<Process> processes, String name) throws IOException {
        File log = work.resolve(name + ".log").toFile();
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                ScorerProcessMain.class.getName(),
                "streamlearn.kafka.bootstrap.servers=" + kafka().bootstrapServers(),
                "streamlearn.kafka.topic.partitions=2",
                "streamlearn.kafka.client.session.timeout.ms=6000",
                "streamlearn.scorer.model.name=" + MODEL,
                "streamlearn.scorer.input.size=" + INPUT,
                "streamlearn.scorer.application.id=crash-it",
                "streamlearn.scorer.state.dir=" + work.resolve("state"),
                "streamlearn.scorer.commit.interval.ms=100",
                "streamlearn.scorer.batch.max.size=4096",
                "streamlearn.scorer.batch.max.wait.ms=500");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
        processes.add(process);
        await("scorer " + name + " serving").atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("scorer " + name + " exited before serving:\n" + log(name));
            }
            assertThat(log(name)).as("log of scorer %s", name).contains(ScorerProcessMain.READY);
        });
        return process;
    }

    private String log(String name) throws IOException {
        Path log = work.resolve(name + ".log");
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }
}

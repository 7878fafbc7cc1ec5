package io.streamlearn.app.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamlearn.app.testing.Blobs;
import io.streamlearn.common.config.Settings;
import io.streamlearn.common.kafka.KafkaClients;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Prediction;
import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.ingest.replay.HttpReplayer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline on a real in-process broker: samples over HTTP to the trainer, snapshots to the scorer,
 * events and their later labels over HTTP, predictions evaluated by monitoring. The data is a learnable
 * synthetic problem (four Gaussian blobs in eight dimensions, chance = 0.25).
 */
class PipelineIT {
    private static final int SAMPLES = 3000;
    private static final int EVENTS = 400;

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldLearnFromSamplesAndScoreLaterEventsWithANewerModelFarAboveChance() throws Exception {
        // Promotion off: the trainer can learn all samples before the scorer judges a candidate on unseen ones,
        // which would keep an early champion serving (ScorerTopologyTest covers the promotion gate).
        Settings settings = Settings.of(Blobs.pipelineSettings())
                .with(Map.of("streamlearn.kafka.topic.partitions", "2", "streamlearn.scorer.promotion.enabled",
                        "false"));
        Blobs blobs = new Blobs(7);
        try (LocalPipeline pipeline = LocalPipeline.start(settings, dataDir)) {
            Dataset train = blobs.sample(SAMPLES);
            long accepted = new HttpReplayer(pipeline.ingestUri(), 250, 0, 3).replay(train, (n, t) -> { });
            assertThat(accepted).isEqualTo(SAMPLES);
            await("every sample learned and a newer model serving").atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> pipeline.trainer().samplesLearned() == SAMPLES
                            && pipeline.scorer().currentVersion() > 1);
            long servedVersion = pipeline.scorer().currentVersion();

            Dataset live = blobs.sample(EVENTS);
            post(pipeline.ingestUri(), "/v1/events", Blobs.eventsJson(live));
            post(pipeline.ingestUri(), "/v1/labels", Blobs.labelsJson(live));

            List<Prediction> predictions = readEventPredictions(pipeline, EVENTS);
            assertThat(predictions).hasSize(EVENTS);
            assertThat(predictions).allSatisfy(p -> assertThat(p.getModelVersion()).isGreaterThan(1));
            assertThat(predictions).allSatisfy(p -> assertThat(p.getModelVersion()).isGreaterThanOrEqualTo(servedVersion));

            var accuracy = pipeline.monitoring().accuracy();
            await("every event evaluated").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> accuracy.evaluated("event") == EVENTS);
            assertThat(accuracy.overallAccuracy("event")).isGreaterThan(0.9);

            // Samples the served model has not learned: the first ones may all have been learned before the
            // scorer loaded a model (the trainer is that fast), and learned samples do not count.
            Dataset more = blobs.sample(SAMPLES / 10);
            assertThat(new HttpReplayer(pipeline.ingestUri(), 100, 0, 3).replay(more, (n, t) -> { }))
                    .isEqualTo(SAMPLES / 10);
            await("a sample evaluated").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> accuracy.evaluated("sample") > 0);
            assertThat(accuracy.windowAccuracy("sample")).isGreaterThan(0.8);
            assertThat(pipeline.trainer().prequentialAccuracy()).isGreaterThan(0.7);
        }
    }

    private void post(URI base, String path, String json) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private static List<Prediction> readEventPredictions(LocalPipeline pipeline, int expected) throws Exception {
        Properties props = KafkaClients.consumer(pipeline.kafka(), "pipeline-it", "pipeline-it");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.StringDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
        Map<String, Prediction> byId = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.PREDICTIONS.name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (byId.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    Prediction p = Topics.PREDICTIONS.valueSerde().deserializer().deserialize(r.topic(), r.value());
                    if (p.getSource() == Prediction.Source.EVENT) {
                        assertThat(byId.put(p.getId(), p)).as("duplicate prediction for %s", p.getId()).isNull();
                    }
                });
            }
        }
        return new ArrayList<>(byId.values());
    }
}

package io.streamlearn.app.local;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.Random;
import java.util.function.BooleanSupplier;
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
    private static final int DIMS = 8;
    private static final int CLASSES = 4;
    private static final int SAMPLES = 3000;
    private static final int EVENTS = 400;

    @TempDir
    Path dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldLearnFromSamplesAndScoreLaterEventsWithANewerModelFarAboveChance() throws Exception {
        Settings settings = Settings.of(Map.ofEntries(
                Map.entry("streamlearn.ingest.http.port", "0"),
                Map.entry("streamlearn.metrics.port", "0"),
                Map.entry("streamlearn.metrics.host", "127.0.0.1"),
                Map.entry("streamlearn.kafka.topic.partitions", "2"),
                Map.entry("streamlearn.ingest.input.size", Integer.toString(DIMS)),
                Map.entry("streamlearn.ingest.classes", Integer.toString(CLASSES)),
                Map.entry("streamlearn.trainer.input.size", Integer.toString(DIMS)),
                Map.entry("streamlearn.trainer.classes", Integer.toString(CLASSES)),
                Map.entry("streamlearn.trainer.hidden.layers", "16"),
                Map.entry("streamlearn.trainer.learning.rate", "0.01"),
                Map.entry("streamlearn.trainer.snapshot.every.samples", "500"),
                Map.entry("streamlearn.trainer.snapshot.every.ms", "500"),
                Map.entry("streamlearn.scorer.input.size", Integer.toString(DIMS)),
                Map.entry("streamlearn.kafka.client.session.timeout.ms", "6000")));
        Random random = new Random(7);
        float[][] centers = centers(random);
        try (LocalPipeline pipeline = LocalPipeline.start(settings, dataDir)) {
            Dataset train = blobs(centers, SAMPLES, random);
            long accepted = new HttpReplayer(pipeline.ingestUri(), 250, 0, 3).replay(train, (n, t) -> { });
            assertThat(accepted).isEqualTo(SAMPLES);
            // The newest snapshots may stay candidates (promotion needs labeled samples they have not learned).
            await(Duration.ofSeconds(120), () -> pipeline.trainer().samplesLearned() == SAMPLES
                    && pipeline.scorer().currentVersion() > 1);
            long servedVersion = pipeline.scorer().currentVersion();

            Dataset live = blobs(centers, EVENTS, random);
            post(pipeline.ingestUri(), "/v1/events", eventsJson(live));
            post(pipeline.ingestUri(), "/v1/labels", labelsJson(live));

            List<Prediction> predictions = readEventPredictions(pipeline, EVENTS);
            assertThat(predictions).hasSize(EVENTS);
            assertThat(predictions).allSatisfy(p -> assertThat(p.getModelVersion()).isGreaterThan(1));
            assertThat(predictions).allSatisfy(p -> assertThat(p.getModelVersion()).isGreaterThanOrEqualTo(servedVersion));

            var accuracy = pipeline.monitoring().accuracy();
            await(Duration.ofSeconds(60), () -> accuracy.evaluated("event") == EVENTS);
            assertThat(accuracy.overallAccuracy("event")).isGreaterThan(0.9);
            assertThat(accuracy.evaluated("sample")).isPositive();
            assertThat(accuracy.windowAccuracy("sample")).isGreaterThan(0.8);
            assertThat(pipeline.trainer().prequentialAccuracy()).isGreaterThan(0.7);
        }
    }

    private static float[][] centers(Random random) {
        float[][] centers = new float[CLASSES][DIMS];
        for (float[] c : centers) {
            for (int d = 0; d < DIMS; d++) {
                c[d] = (float) (random.nextGaussian() * 3);
            }
        }
        return centers;
    }

    private static Dataset blobs(float[][] centers, int n, Random random) {
        float[][] features = new float[n][DIMS];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = random.nextInt(CLASSES);
            for (int d = 0; d < DIMS; d++) {
                features[i][d] = centers[labels[i]][d] + (float) random.nextGaussian();
            }
        }
        return new Dataset("blobs", features, labels);
    }

    private static String eventsJson(Dataset data) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            StringBuilder f = new StringBuilder();
            for (float v : data.features()[i]) {
                f.append(f.length() == 0 ? "" : ",").append(v);
            }
            records.add("{\"id\":\"e" + i + "\",\"features\":[" + f + "]}");
        }
        return "[" + String.join(",", records) + "]";
    }

    private static String labelsJson(Dataset data) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            records.add("{\"event_id\":\"e" + i + "\",\"label\":" + data.labels()[i] + "}");
        }
        return "[" + String.join(",", records) + "]";
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

    private static void await(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within %s", timeout).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}

package io.streamlearn.app.testing;

import io.streamlearn.ingest.dataset.Dataset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The learnable synthetic problem the end-to-end tests stream: one Gaussian blob per class in a few dimensions
 * (chance = 1 / {@link #CLASSES}), and the settings that let a local pipeline learn it in seconds.
 */
public final class Blobs {
    public static final int DIMS = 8;
    public static final int CLASSES = 4;

    private final Random random;
    private final float[][] centers = new float[CLASSES][DIMS];

    public Blobs(long seed) {
        random = new Random(seed);
        for (float[] c : centers) {
            for (int d = 0; d < DIMS; d++) {
                c[d] = (float) (random.nextGaussian() * 3);
            }
        }
    }

    /** {@code n} labeled points, the next ones of this seeded stream. */
    public Dataset sample(int n) {
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

    /** Free ports, this problem's shape, a small network and frequent snapshots. */
    public static Map<String, String> pipelineSettings() {
        return Map.ofEntries(
                Map.entry("streamlearn.ingest.http.port", "0"),
                Map.entry("streamlearn.metrics.port", "0"),
                Map.entry("streamlearn.metrics.host", "127.0.0.1"),
                Map.entry("streamlearn.ingest.input.size", Integer.toString(DIMS)),
                Map.entry("streamlearn.ingest.classes", Integer.toString(CLASSES)),
                Map.entry("streamlearn.trainer.input.size", Integer.toString(DIMS)),
                Map.entry("streamlearn.trainer.classes", Integer.toString(CLASSES)),
                Map.entry("streamlearn.trainer.hidden.layers", "16"),
                Map.entry("streamlearn.trainer.learning.rate", "0.01"),
                Map.entry("streamlearn.trainer.snapshot.every.samples", "500"),
                Map.entry("streamlearn.trainer.snapshot.every.ms", "500"),
                Map.entry("streamlearn.scorer.input.size", Integer.toString(DIMS)),
                Map.entry("streamlearn.kafka.client.session.timeout.ms", "6000"));
    }

    /** Points as events with ids e0, e1, ... in the ingest API's JSON. */
    public static String eventsJson(Dataset data) {
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

    /** The labels of {@link #eventsJson}'s events, in the ingest API's JSON. */
    public static String labelsJson(Dataset data) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            records.add("{\"event_id\":\"e" + i + "\",\"label\":" + data.labels()[i] + "}");
        }
        return "[" + String.join(",", records) + "]";
    }
}

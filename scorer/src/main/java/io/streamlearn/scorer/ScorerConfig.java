package io.streamlearn.scorer;

import io.streamlearn.common.config.ConfigKey;
import io.streamlearn.common.config.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the scorer service, read from {@code streamlearn.scorer.*}: which model it serves, the feature
 * count events must have, and how its Kafka Streams application runs. Unknown keys under the prefix fail.
 */
public record ScorerConfig(String modelName, int inputSize, String applicationId, String processingGuarantee,
                           Path stateDir, long commitIntervalMs, int threads) {
    public static final String PREFIX = "streamlearn.scorer.";
    public static final String EXACTLY_ONCE_V2 = "exactly_once_v2";
    public static final String AT_LEAST_ONCE = "at_least_once";

    public static final ConfigKey<String> MODEL_NAME = ConfigKey.string(PREFIX + "model.name", "default",
            "name of the model to serve: its key on the models topic");
    public static final ConfigKey<Integer> INPUT_SIZE = ConfigKey.integer(PREFIX + "input.size", 784, 1, 1 << 20,
            "features per event and sample; snapshots with another input size are rejected");
    public static final ConfigKey<String> APPLICATION_ID = ConfigKey.string(PREFIX + "application.id",
            "streamlearn-scorer", "Kafka Streams application.id: consumer group and prefix of internal topics");
    public static final ConfigKey<String> PROCESSING_GUARANTEE = ConfigKey.choice(PREFIX + "processing.guarantee",
            EXACTLY_ONCE_V2, "Kafka Streams processing guarantee", EXACTLY_ONCE_V2, AT_LEAST_ONCE);
    public static final ConfigKey<String> STATE_DIR = ConfigKey.string(PREFIX + "state.dir",
            Path.of(System.getProperty("java.io.tmpdir"), "streamlearn-scorer-state").toString(),
            "Kafka Streams state directory (always passed explicitly; give each instance its own)");
    public static final ConfigKey<Long> COMMIT_INTERVAL_MS = ConfigKey.longInteger(PREFIX + "commit.interval.ms",
            100, 1, 600_000, "how often Kafka Streams commits; under exactly-once, the latency before "
                    + "predictions become visible to read_committed consumers");
    public static final ConfigKey<Integer> THREADS = ConfigKey.integer(PREFIX + "threads", 1, 1, 64,
            "Kafka Streams threads of this instance (each scores its own partitions)");

    public static final List<ConfigKey<?>> KEYS = List.of(MODEL_NAME, INPUT_SIZE, APPLICATION_ID,
            PROCESSING_GUARANTEE, STATE_DIR, COMMIT_INTERVAL_MS, THREADS);

    public ScorerConfig {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(processingGuarantee, "processingGuarantee");
        Objects.requireNonNull(stateDir, "stateDir");
        if (inputSize < 1 || commitIntervalMs < 1 || threads < 1) {
            throw new IllegalArgumentException("inputSize, commitIntervalMs and threads must be positive");
        }
    }

    public static ScorerConfig from(Settings settings) {
        settings.requireKnown(PREFIX, KEYS);
        return new ScorerConfig(settings.get(MODEL_NAME), settings.get(INPUT_SIZE), settings.get(APPLICATION_ID),
                settings.get(PROCESSING_GUARANTEE), Path.of(settings.get(STATE_DIR)),
                settings.get(COMMIT_INTERVAL_MS), settings.get(THREADS));
    }
}

package io.streamlearn.scorer;

import io.streamlearn.common.config.ConfigKey;
import io.streamlearn.common.config.Settings;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Settings of the scorer service, read from {@code streamlearn.scorer.*}: which model it serves, the feature
 * count events must have, how its Kafka Streams application runs, how records are batched per inference call,
 * how a new snapshot earns promotion, and the operator's admin endpoint. Unknown keys under the prefix fail.
 */
public record ScorerConfig(String modelName, int inputSize, String applicationId, String processingGuarantee,
                           Path stateDir, long commitIntervalMs, int threads, Batching batching,
                           Promotion promotion, Admin admin) {
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
    public static final ConfigKey<Integer> BATCH_MAX_SIZE = ConfigKey.integer(PREFIX + "batch.max.size", 64, 1, 4096,
            "most records scored in one ONNX Runtime call; a full batch is scored at once");
    public static final ConfigKey<Integer> BATCH_MAX_WAIT_MS = ConfigKey.integer(PREFIX + "batch.max.wait.ms", 2, 1,
            1000, "longest a record waits for others to share its inference call (also the streams' poll.ms); "
                    + "added to every prediction's latency when events arrive slower than batch.max.size per wait");
    public static final ConfigKey<Boolean> PROMOTION_ENABLED = ConfigKey.bool(PREFIX + "promotion.enabled", true,
            "whether a new snapshot must match the serving model's accuracy on labeled samples, scored in shadow, "
                    + "before it serves; false serves every valid snapshot at once");
    public static final ConfigKey<Integer> PROMOTION_SAMPLES = ConfigKey.integer(PREFIX + "promotion.samples", 500,
            1, 10_000_000, "labeled samples, not yet learned by the candidate, on which candidate and champion "
                    + "are compared");
    public static final ConfigKey<Double> PROMOTION_MARGIN = ConfigKey.decimal(PREFIX + "promotion.margin", 0.01, 0,
            1, "a candidate is promoted when its accuracy is at least the champion's minus this margin (0-1)");
    public static final ConfigKey<Long> PINNED_VERSION = ConfigKey.longInteger(PREFIX + "pinned.version", 0, 0,
            Long.MAX_VALUE, "serve only this model version (0: none); other snapshots are kept but not served");
    public static final ConfigKey<Integer> RETAINED_VERSIONS = ConfigKey.integer(PREFIX + "retained.versions", 5, 1,
            100, "recent valid snapshots kept in memory so that an operator can pin (roll back to) them");
    public static final ConfigKey<String> ADMIN_HOST = ConfigKey.string(PREFIX + "admin.host", "127.0.0.1",
            "address the admin HTTP endpoint binds to (it has no authentication: keep it private)");
    public static final ConfigKey<Integer> ADMIN_PORT = ConfigKey.integer(PREFIX + "admin.port", 0, 0, 65_535,
            "port of the admin HTTP endpoint (GET /v1/models, POST and DELETE /v1/pin); 0 disables it");

    public static final List<ConfigKey<?>> KEYS = List.of(MODEL_NAME, INPUT_SIZE, APPLICATION_ID,
            PROCESSING_GUARANTEE, STATE_DIR, COMMIT_INTERVAL_MS, THREADS, BATCH_MAX_SIZE, BATCH_MAX_WAIT_MS,
            PROMOTION_ENABLED, PROMOTION_SAMPLES, PROMOTION_MARGIN, PINNED_VERSION, RETAINED_VERSIONS, ADMIN_HOST,
            ADMIN_PORT);

    /** How records share ONNX Runtime calls. */
    public record Batching(int maxSize, int maxWaitMs) {
        public static final Batching DEFAULT = new Batching(defaultOf(BATCH_MAX_SIZE), defaultOf(BATCH_MAX_WAIT_MS));

        public Batching {
            if (maxSize < 1 || maxWaitMs < 1) {
                throw new IllegalArgumentException("batch max size and max wait must be positive");
            }
        }
    }

    /** When a new snapshot replaces the serving one, and which versions an operator can pin. */
    public record Promotion(boolean enabled, int samples, double margin, long pinnedVersion, int retainedVersions) {
        public static final Promotion DEFAULT = new Promotion(defaultOf(PROMOTION_ENABLED),
                defaultOf(PROMOTION_SAMPLES), defaultOf(PROMOTION_MARGIN), defaultOf(PINNED_VERSION),
                defaultOf(RETAINED_VERSIONS));
        /** Every valid snapshot serves at once. */
        public static final Promotion IMMEDIATE = new Promotion(false, DEFAULT.samples, DEFAULT.margin, 0,
                DEFAULT.retainedVersions);

        public Promotion {
            if (samples < 1 || margin < 0 || margin > 1 || pinnedVersion < 0 || retainedVersions < 1) {
                throw new IllegalArgumentException("invalid promotion settings: samples " + samples + ", margin "
                        + margin + ", pinned version " + pinnedVersion + ", retained " + retainedVersions);
            }
        }
    }

    /** The operator's HTTP endpoint; port 0 disables it. */
    public record Admin(String host, int port) {
        public static final Admin DISABLED = new Admin(defaultOf(ADMIN_HOST), 0);

        public Admin {
            Objects.requireNonNull(host, "host");
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("admin port " + port + " is not a port");
            }
        }
    }

    public ScorerConfig {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(processingGuarantee, "processingGuarantee");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(batching, "batching");
        Objects.requireNonNull(promotion, "promotion");
        Objects.requireNonNull(admin, "admin");
        if (inputSize < 1 || commitIntervalMs < 1 || threads < 1) {
            throw new IllegalArgumentException("inputSize, commitIntervalMs and threads must be positive");
        }
    }

    /** A configuration with the default batching and promotion and no admin endpoint. */
    public ScorerConfig(String modelName, int inputSize, String applicationId, String processingGuarantee,
                        Path stateDir, long commitIntervalMs, int threads) {
        this(modelName, inputSize, applicationId, processingGuarantee, stateDir, commitIntervalMs, threads,
                Batching.DEFAULT, Promotion.DEFAULT, Admin.DISABLED);
    }

    public static ScorerConfig from(Settings settings) {
        settings.requireKnown(PREFIX, KEYS);
        return new ScorerConfig(settings.get(MODEL_NAME), settings.get(INPUT_SIZE), settings.get(APPLICATION_ID),
                settings.get(PROCESSING_GUARANTEE), Path.of(settings.get(STATE_DIR)),
                settings.get(COMMIT_INTERVAL_MS), settings.get(THREADS),
                new Batching(settings.get(BATCH_MAX_SIZE), settings.get(BATCH_MAX_WAIT_MS)),
                new Promotion(settings.get(PROMOTION_ENABLED), settings.get(PROMOTION_SAMPLES),
                        settings.get(PROMOTION_MARGIN), settings.get(PINNED_VERSION), settings.get(RETAINED_VERSIONS)),
                new Admin(settings.get(ADMIN_HOST), settings.get(ADMIN_PORT)));
    }

    private static <T> T defaultOf(ConfigKey<T> key) {
        return Settings.of(Map.of()).get(key);
    }

    public ScorerConfig with(Batching newBatching) {
        return new ScorerConfig(modelName, inputSize, applicationId, processingGuarantee, stateDir, commitIntervalMs,
                threads, newBatching, promotion, admin);
    }

    public ScorerConfig with(Promotion newPromotion) {
        return new ScorerConfig(modelName, inputSize, applicationId, processingGuarantee, stateDir, commitIntervalMs,
                threads, batching, newPromotion, admin);
    }

    public ScorerConfig with(Admin newAdmin) {
        return new ScorerConfig(modelName, inputSize, applicationId, processingGuarantee, stateDir, commitIntervalMs,
                threads, batching, promotion, newAdmin);
    }
}

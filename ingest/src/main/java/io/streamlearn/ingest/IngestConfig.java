package io.streamlearn.ingest;

import io.streamlearn.common.config.ConfigKey;
import io.streamlearn.common.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * Settings of the ingest service ({@code streamlearn.ingest.*}): where the HTTP API listens, the shape records
 * must have (feature count, number of classes), request bounds, how long a request waits for Kafka's
 * acknowledgements, and how many requests are handled at once.
 */
public record IngestConfig(String httpHost, int httpPort, int inputSize, int classes, int maxBodyBytes,
                           int maxRecordsPerRequest, Duration produceTimeout, int threads) {
    private static final String PREFIX = "streamlearn.ingest.";

    public static final ConfigKey<String> HTTP_HOST = ConfigKey.string(PREFIX + "http.host", "127.0.0.1",
            "address the HTTP API binds to (0.0.0.0 for every interface)");
    public static final ConfigKey<Integer> HTTP_PORT = ConfigKey.integer(PREFIX + "http.port", 8080, 0, 65535,
            "port of the HTTP API; 0 picks a free port");
    public static final ConfigKey<Integer> INPUT_SIZE = ConfigKey.integer(PREFIX + "input.size", 784, 1, 1_000_000,
            "number of features every sample and event must carry");
    public static final ConfigKey<Integer> CLASSES = ConfigKey.integer(PREFIX + "classes", 10, 2, 100_000,
            "number of classes; labels must lie in [0, classes)");
    public static final ConfigKey<Integer> MAX_BODY_BYTES = ConfigKey.integer(PREFIX + "max.body.bytes",
            16 * 1024 * 1024, 1024, 1024 * 1024 * 1024, "largest request body accepted, in bytes (larger: 413)");
    public static final ConfigKey<Integer> MAX_RECORDS = ConfigKey.integer(PREFIX + "max.records.per.request",
            10_000, 1, 1_000_000, "most records one request may carry (more: 413)");
    public static final ConfigKey<Integer> PRODUCE_TIMEOUT_MS = ConfigKey.integer(PREFIX + "produce.timeout.ms",
            10_000, 100, 600_000, "how long a request waits for Kafka to acknowledge its records before answering 503");
    public static final ConfigKey<Integer> THREADS = ConfigKey.integer(PREFIX + "threads", 8, 1, 1024,
            "requests handled concurrently (each waits on Kafka acknowledgements, so more than the cores)");

    public static final List<ConfigKey<?>> KEYS = List.of(HTTP_HOST, HTTP_PORT, INPUT_SIZE, CLASSES, MAX_BODY_BYTES,
            MAX_RECORDS, PRODUCE_TIMEOUT_MS, THREADS);

    public static IngestConfig from(Settings s) {
        s.requireKnown(PREFIX, KEYS);
        return new IngestConfig(s.get(HTTP_HOST), s.get(HTTP_PORT), s.get(INPUT_SIZE), s.get(CLASSES),
                s.get(MAX_BODY_BYTES), s.get(MAX_RECORDS), Duration.ofMillis(s.get(PRODUCE_TIMEOUT_MS)), s.get(THREADS));
    }
}

package io.streamlearn.ingest;

import io.streamlearn.common.config.ConfigException;
import io.streamlearn.common.config.ConfigKey;
import io.streamlearn.common.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Settings of the ingest service ({@code streamlearn.ingest.*}): where the HTTP API listens, the shape records
 * must have (feature count, number of classes), request bounds, how long a request waits for Kafka's
 * acknowledgements, how many requests are handled at once, the bearer tokens clients must present (none: no
 * authentication), the PKCS12 keystore that turns on HTTPS, and how long a readiness probe waits for Kafka.
 * {@link #toString()} never shows tokens or the keystore password.
 */
public record IngestConfig(String httpHost, int httpPort, int inputSize, int classes, int maxBodyBytes,
                           int maxRecordsPerRequest, Duration produceTimeout, int threads, List<String> authTokens,
                           Optional<Path> tlsKeystore, String tlsKeystorePassword, Duration readyTimeout) {
    private static final String PREFIX = "streamlearn.ingest.";
    private static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(2);

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
    public static final ConfigKey<String> AUTH_TOKENS = ConfigKey.optionalString(PREFIX + "auth.tokens",
            "comma-separated bearer tokens accepted on POST /v1/*; with none here nor in auth.tokens.file, "
                    + "requests are not authenticated");
    public static final ConfigKey<String> AUTH_TOKENS_FILE = ConfigKey.optionalString(PREFIX + "auth.tokens.file",
            "file of accepted bearer tokens, one per line (blank lines and lines starting with # are skipped)");
    public static final ConfigKey<String> TLS_KEYSTORE_PATH = ConfigKey.optionalString(
            PREFIX + "tls.keystore.path", "PKCS12 keystore with the server's key and certificate; set: HTTPS only");
    public static final ConfigKey<String> TLS_KEYSTORE_PASSWORD = ConfigKey.optionalString(
            PREFIX + "tls.keystore.password", "password of the keystore and of its key");
    public static final ConfigKey<Integer> READY_TIMEOUT_MS = ConfigKey.integer(PREFIX + "ready.timeout.ms",
            (int) DEFAULT_READY_TIMEOUT.toMillis(), 100, 60_000,
            "how long GET /readyz waits for Kafka to describe its cluster before answering 503");

    public static final List<ConfigKey<?>> KEYS = List.of(HTTP_HOST, HTTP_PORT, INPUT_SIZE, CLASSES, MAX_BODY_BYTES,
            MAX_RECORDS, PRODUCE_TIMEOUT_MS, THREADS, AUTH_TOKENS, AUTH_TOKENS_FILE, TLS_KEYSTORE_PATH,
            TLS_KEYSTORE_PASSWORD, READY_TIMEOUT_MS);

    public IngestConfig {
        authTokens = List.copyOf(authTokens);
        for (String token : authTokens) {
            if (token.isEmpty() || token.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new ConfigException("a bearer token is empty or holds whitespace (tokens are not shown)");
            }
        }
    }

    /** Plain HTTP without authentication. */
    public IngestConfig(String httpHost, int httpPort, int inputSize, int classes, int maxBodyBytes,
                        int maxRecordsPerRequest, Duration produceTimeout, int threads) {
        this(httpHost, httpPort, inputSize, classes, maxBodyBytes, maxRecordsPerRequest, produceTimeout, threads,
                List.of(), Optional.empty(), "", DEFAULT_READY_TIMEOUT);
    }

    public static IngestConfig from(Settings s) {
        s.requireKnown(PREFIX, KEYS);
        List<String> tokens = new ArrayList<>(split(s.get(AUTH_TOKENS)));
        String tokensFile = s.get(AUTH_TOKENS_FILE).trim();
        if (!tokensFile.isEmpty()) {
            tokens.addAll(readTokens(Path.of(tokensFile)));
        }
        String keystore = s.get(TLS_KEYSTORE_PATH).trim();
        String password = s.get(TLS_KEYSTORE_PASSWORD);
        if (keystore.isEmpty() && !password.isEmpty()) {
            throw new ConfigException(TLS_KEYSTORE_PASSWORD.name() + " is set but " + TLS_KEYSTORE_PATH.name()
                    + " is not");
        }
        if (!keystore.isEmpty() && !Files.isReadable(Path.of(keystore))) {
            throw new ConfigException(TLS_KEYSTORE_PATH.name() + " = " + keystore + ": no readable file there");
        }
        return new IngestConfig(s.get(HTTP_HOST), s.get(HTTP_PORT), s.get(INPUT_SIZE), s.get(CLASSES),
                s.get(MAX_BODY_BYTES), s.get(MAX_RECORDS), Duration.ofMillis(s.get(PRODUCE_TIMEOUT_MS)), s.get(THREADS),
                tokens, keystore.isEmpty() ? Optional.empty() : Optional.of(Path.of(keystore)), password,
                Duration.ofMillis(s.get(READY_TIMEOUT_MS)));
    }

    private static List<String> split(String commaSeparated) {
        List<String> out = new ArrayList<>();
        for (String t : commaSeparated.split(",")) {
            if (!t.isBlank()) {
                out.add(t.trim());
            }
        }
        return out;
    }

    private static List<String> readTokens(Path file) {
        try {
            return Files.readAllLines(file).stream().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            throw new ConfigException(AUTH_TOKENS_FILE.name() + " = " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** True when POST requests must carry one of {@link #authTokens()}. */
    public boolean authenticates() {
        return !authTokens.isEmpty();
    }

    @Override
    public String toString() {
        return "IngestConfig[httpHost=" + httpHost + ", httpPort=" + httpPort + ", inputSize=" + inputSize
                + ", classes=" + classes + ", maxBodyBytes=" + maxBodyBytes + ", maxRecordsPerRequest="
                + maxRecordsPerRequest + ", produceTimeout=" + produceTimeout + ", threads=" + threads
                + ", authTokens=" + (authTokens.isEmpty() ? "none" : authTokens.size() + " (hidden)")
                + ", tlsKeystore=" + tlsKeystore.map(Path::toString).orElse("none")
                + ", tlsKeystorePassword=" + (tlsKeystorePassword.isEmpty() ? "none" : "(hidden)")
                + ", readyTimeout=" + readyTimeout + "]";
    }
}

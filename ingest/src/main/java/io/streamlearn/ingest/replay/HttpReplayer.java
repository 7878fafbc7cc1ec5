package io.streamlearn.ingest.replay;

import io.streamlearn.common.wire.Sample;
import io.streamlearn.ingest.dataset.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a {@link Dataset} (or a range of it, optionally with a {@link DriftInjector}) into the ingest API as
 * labeled samples: batches of length-delimited protobuf {@code Sample}s POSTed to {@code /v1/samples} one after
 * the other, paced to a rate in samples per second (0: as fast as the API answers). Each sample gets its id on
 * the client, so a batch retried after a 503 carries the same ids. A 503 is retried after its Retry-After a
 * bounded number of times; any other non-2xx stops the replay with a {@link ReplayException} carrying the status
 * and answer.
 */
public final class HttpReplayer {
    private static final Logger log = LoggerFactory.getLogger(HttpReplayer.class);
    public static final int DEFAULT_BATCH_SIZE = 500;
    public static final int DEFAULT_MAX_RETRIES = 5;
    static final String CONTENT_TYPE = "application/x-protobuf";
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(2);
    private static final long MAX_RETRY_AFTER_SECONDS = 60;

    /** Called after each accepted batch with the samples accepted so far and the time since the replay began. */
    @FunctionalInterface
    public interface Progress {
        void sent(long samples, Duration elapsed);
    }

    /** HTTP/1.1: the API's server does not speak HTTP/2, so skip the h2c upgrade offer on every request. */
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI samplesUri;
    private final int batchSize;
    private final double samplesPerSecond;
    private final int maxRetries;

    /**
     * @param ingestBase the API's base address, e.g. {@code http://127.0.0.1:8080}
     * @param samplesPerSecond target rate; 0 sends as fast as the API takes them
     * @param maxRetries how many times one batch is retried after a 503
     */
    public HttpReplayer(URI ingestBase, int batchSize, double samplesPerSecond, int maxRetries) {
        if (batchSize < 1 || samplesPerSecond < 0 || maxRetries < 0) {
            throw new IllegalArgumentException("batch size must be >= 1, rate and retries >= 0; got " + batchSize
                    + ", " + samplesPerSecond + ", " + maxRetries);
        }
        this.samplesUri = ingestBase.resolve("/v1/samples");
        this.batchSize = batchSize;
        this.samplesPerSecond = samplesPerSecond;
        this.maxRetries = maxRetries;
    }

    /** Sends the whole dataset; returns the number of samples accepted. */
    public long replay(Dataset data, Progress progress) throws IOException, InterruptedException {
        return replay(data, 0, data.size(), progress);
    }

    /** Sends samples {@code from} (inclusive) to {@code to} (exclusive); returns the number accepted. */
    public long replay(Dataset data, int from, int to, Progress progress) throws IOException, InterruptedException {
        return replay(data, from, to, DriftInjector.none(), progress);
    }

    /**
     * Sends samples {@code from} to {@code to} with {@code drift} applied at each sample's index in
     * {@code data}; returns the number accepted (dropped samples are not counted).
     */
    public long replay(Dataset data, int from, int to, DriftInjector drift, Progress progress)
            throws IOException, InterruptedException {
        checkRange(data, from, to);
        long start = System.nanoTime();
        long sent = ReplayBatch.replay(data, from, to, drift, batchSize, samplesPerSecond, progress,
                (batch, accepted) -> send(encode(batch), accepted));
        log.info("replayed {} samples of {} to {} in {} ms", sent, data.name(), samplesUri,
                Duration.ofNanos(System.nanoTime() - start).toMillis());
        return sent;
    }

    static void checkRange(Dataset data, int from, int to) {
        if (from < 0 || to > data.size() || from > to) {
            throw new IllegalArgumentException("range [" + from + ", " + to + ") is outside " + data.name()
                    + " of " + data.size() + " samples");
        }
    }

    /** The samples as a length-delimited protobuf stream, the body of one request. */
    static byte[] encode(List<Sample> samples) {
        int size = samples.stream().mapToInt(s -> s.getSerializedSize() + 5).sum();
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        try {
            for (Sample s : samples) {
                s.writeDelimitedTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode samples in memory", e);
        }
        return out.toByteArray();
    }

    private void send(byte[] body, long accepted) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(samplesUri)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        for (int attempt = 0; ; attempt++) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return;
            }
            if (status != 503 || attempt == maxRetries) {
                throw new ReplayException("ingest answered " + status + " to a batch after " + accepted
                        + " samples" + (status == 503 ? " (" + maxRetries + " retries)" : "") + ": "
                        + response.body(), status, response.body(), accepted);
            }
            long seconds = retryAfterSeconds(response.headers().firstValue("Retry-After"));
            log.warn("ingest answered 503, retrying in {} s ({}/{})", seconds, attempt + 1, maxRetries);
            Thread.sleep(seconds * 1000);
        }
    }

    private static long retryAfterSeconds(Optional<String> header) {
        try {
            return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(0, Long.parseLong(header.orElse("1").trim())));
        } catch (NumberFormatException e) {
            return 1; // an HTTP date instead of seconds: wait a little
        }
    }
}

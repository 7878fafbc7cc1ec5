package io.streamlearn.bench.memory;

import com.google.protobuf.MessageLite;
import io.streamlearn.bench.data.Synthetic;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory run's load: labeled samples to {@code /v1/samples} and events to {@code /v1/events}, each on its own
 * thread, one request every 100 ms (length-delimited protobuf, fresh ids), on an absolute schedule that catches up
 * after a slow request. Requests that fail are counted, not retried: the run measures memory, not delivery.
 */
public final class HttpLoad implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpLoad.class);
    private static final long TICK_NANOS = 100_000_000;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final float[][] rows = Synthetic.features(128, 17);
    private final List<Thread> threads;
    private final AtomicLong samplesSent = new AtomicLong();
    private final AtomicLong eventsSent = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean stopping;

    public HttpLoad(URI base, double samplesPerSecond, double eventsPerSecond) {
        int samplesPerTick = (int) Math.round(samplesPerSecond / 10);
        int eventsPerTick = (int) Math.round(eventsPerSecond / 10);
        SplittableRandom sampleRandom = new SplittableRandom(19); // one per thread: it is not thread-safe
        SplittableRandom eventRandom = new SplittableRandom(23);
        this.threads = List.of(
                new Thread(() -> loop(base.resolve("/v1/samples"), samplesPerTick, samplesSent,
                        (tick, now) -> samplesBody(tick, now, samplesPerTick, sampleRandom)), "bench-http-samples"),
                new Thread(() -> loop(base.resolve("/v1/events"), eventsPerTick, eventsSent,
                        (tick, now) -> eventsBody(tick, now, eventsPerTick, eventRandom)), "bench-http-events"));
    }

    /** A request body for one tick. */
    @FunctionalInterface
    private interface Body {
        byte[] build(long tick, long nowMs);
    }

    public HttpLoad start() {
        threads.forEach(Thread::start);
        return this;
    }

    private void loop(URI uri, int perTick, AtomicLong sent, Body body) {
        long next = System.nanoTime();
        for (long tick = 0; !stopping; tick++) {
            if (post(uri, body.build(tick, System.currentTimeMillis()))) {
                sent.addAndGet(perTick);
            }
            next += TICK_NANOS;
            for (long t = System.nanoTime(); t < next && !stopping; t = System.nanoTime()) {
                LockSupport.parkNanos(Math.min(next - t, 10_000_000));
            }
        }
    }

    private byte[] samplesBody(long tick, long now, int count, SplittableRandom random) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            write(body, Synthetic.sample("m-s-" + tick + "-" + i, rows[random.nextInt(rows.length)],
                    random.nextInt(Synthetic.CLASSES), now));
        }
        return body.toByteArray();
    }

    private byte[] eventsBody(long tick, long now, int count, SplittableRandom random) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            write(body, Synthetic.event("m-e-" + tick + "-" + i, rows[random.nextInt(rows.length)], now));
        }
        return body.toByteArray();
    }

    private static void write(ByteArrayOutputStream body, MessageLite message) {
        try {
            message.writeDelimitedTo(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean post(URI uri, byte[] body) {
        try {
            HttpResponse<Void> response = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-protobuf")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() == 202) {
                return true;
            }
            log.debug("request to {} answered {}", uri, response.statusCode());
        } catch (IOException e) {
            log.debug("request to {} failed: {}", uri, e.toString()); // counted: ingest may be briefly overloaded
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
        failures.incrementAndGet();
        return false;
    }

    public long samplesSent() {
        return samplesSent.get();
    }

    public long eventsSent() {
        return eventsSent.get();
    }

    public long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        stopping = true;
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package io.streamlearn.ingest.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.metrics.IngestMetrics;
import io.streamlearn.ingest.validation.BodyLimitInputStream;
import io.streamlearn.ingest.validation.RejectReason;
import io.streamlearn.ingest.validation.RequestParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest HTTP API on the JDK's HTTP server: {@code POST /v1/samples}, {@code /v1/events} and
 * {@code /v1/labels} take one JSON record or an array of them and produce them to the samples, events and
 * labels topics; {@code GET /healthz} answers 200. Requests run on a bounded thread pool; connections beyond
 * its queue are closed. {@link #close()} stops accepting, lets requests in flight finish, then flushes and
 * closes the producer.
 */
public final class IngestServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestServer.class);
    private static final String HEALTH_PATH = "/healthz";
    /** Requests waiting for a thread, per thread; their bodies are not read yet, so waiting costs little memory. */
    private static final int QUEUE_PER_THREAD = 32;
    /** Status recorded in the metrics when the connection broke before an answer could be sent (as nginx does). */
    private static final int CLIENT_GONE = 499;

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final RecordProducer producer;
    private final IngestMetrics metrics;
    private final Map<String, RecordEndpoint<?>> endpoints;
    private final IngestConfig config;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    private IngestServer(HttpServer server, ThreadPoolExecutor executor, RecordProducer producer,
                         IngestMetrics metrics, IngestConfig config) {
        this.server = server;
        this.executor = executor;
        this.producer = producer;
        this.metrics = metrics;
        this.config = config;
        RequestParser parser = new RequestParser(config.inputSize(), config.classes(),
                config.maxRecordsPerRequest(), System::currentTimeMillis);
        this.endpoints = Map.of(
                "/v1/samples", new RecordEndpoint<>("samples", Topics.SAMPLES, parser::samples, Sample::getId,
                        producer, metrics),
                "/v1/events", new RecordEndpoint<>("events", Topics.EVENTS, parser::events, Event::getId,
                        producer, metrics),
                "/v1/labels", new RecordEndpoint<>("labels", Topics.LABELS, parser::labels, Label::getEventId,
                        producer, metrics));
    }

    /**
     * Creates the samples, events and labels topics if missing (and waits until they take records), then
     * starts serving on {@code config.httpHost():config.httpPort()}.
     */
    public static IngestServer start(IngestConfig config, KafkaSettings kafka, CollectorRegistry registry) {
        TopicAdmin.ensureTopics(kafka, List.of(Topics.SAMPLES, Topics.EVENTS, Topics.LABELS),
                config.produceTimeout().plusSeconds(20));
        IngestMetrics metrics = new IngestMetrics(registry);
        RecordProducer producer = new RecordProducer(kafka, config.produceTimeout());
        ThreadPoolExecutor executor = newExecutor(config.threads());
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(config.httpHost(), config.httpPort()), 0);
            IngestServer ingest = new IngestServer(server, executor, producer, metrics, config);
            server.createContext("/", ingest::handle);
            server.setExecutor(executor);
            server.start();
            log.info("ingest API listening on http://{}:{} ({} threads, input size {}, {} classes)",
                    config.httpHost(), ingest.port(), config.threads(), config.inputSize(), config.classes());
            return ingest;
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            producer.close(Duration.ZERO);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot listen on " + config.httpHost() + ":" + config.httpPort(), io);
            }
            throw (RuntimeException) e;
        }
    }

    private static ThreadPoolExecutor newExecutor(int threads) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(threads * QUEUE_PER_THREAD),
                r -> new Thread(r, "ingest-http-" + n.incrementAndGet()),
                (r, pool) -> {
                    log.warn("ingest overloaded: {} requests queued, closing a new connection",
                            pool.getQueue().size());
                    throw new RejectedExecutionException("ingest request queue is full");
                });
    }

    /** The port the API listens on (the chosen one when configured with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) {
        long start = System.nanoTime();
        inFlight.incrementAndGet();
        String endpoint = "other";
        int status = 500;
        BodyLimitInputStream body = new BodyLimitInputStream(exchange.getRequestBody(), config.maxBodyBytes());
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            RecordEndpoint<?> target = endpoints.get(path);
            endpoint = target != null ? target.name() : HEALTH_PATH.equals(path) ? "healthz" : "other";
            Response response;
            try {
                response = respond(exchange, path, target, body);
            } catch (RuntimeException e) {
                log.error("request to {} failed", endpoint, e);
                response = Response.error(500, "internal error: " + e);
            }
            status = response.status();
            send(exchange, response);
        } catch (IOException e) {
            status = CLIENT_GONE;
            log.debug("connection failed during a request to {}: {}", endpoint, e.getMessage());
        } finally {
            metrics.request(endpoint, status, (System.nanoTime() - start) / 1e9, body.count());
            inFlight.decrementAndGet();
        }
    }

    private Response respond(HttpExchange exchange, String path, RecordEndpoint<?> target, BodyLimitInputStream body)
            throws IOException {
        String method = exchange.getRequestMethod();
        if (HEALTH_PATH.equals(path)) {
            return "GET".equals(method) ? Response.ok() : methodNotAllowed("GET");
        }
        if (target == null) {
            return Response.error(404, "no endpoint " + path + "; POST to " + endpoints.keySet().stream().sorted()
                    .toList() + ", GET " + HEALTH_PATH);
        }
        if (!"POST".equals(method)) {
            return methodNotAllowed("POST");
        }
        if (closing) {
            return Response.error(503, "the ingest service is shutting down",
                    Map.of("Retry-After", Integer.toString(RecordEndpoint.RETRY_AFTER_SECONDS)));
        }
        String unsupported = unsupportedEncoding(exchange);
        if (unsupported != null) {
            return Response.error(415, unsupported);
        }
        long declared = contentLength(exchange);
        if (declared > config.maxBodyBytes()) {
            metrics.rejected(target.name(), RejectReason.BODY_TOO_LARGE.label(), 1);
            return Response.error(413, "request body of " + declared + " bytes is larger than the limit of "
                    + config.maxBodyBytes() + " bytes");
        }
        return target.handle(body);
    }

    private static Response methodNotAllowed(String allowed) {
        return Response.error(405, "method not allowed; use " + allowed, Map.of("Allow", allowed));
    }

    /** Null when the body is JSON we can read, otherwise why not. */
    private static String unsupportedEncoding(HttpExchange exchange) {
        String type = exchange.getRequestHeaders().getFirst("Content-Type");
        if (type == null) {
            return "missing Content-Type; send application/json";
        }
        String[] parts = type.toLowerCase(Locale.ROOT).split(";");
        if (!parts[0].trim().equals("application/json")) {
            return "unsupported Content-Type " + type + "; send application/json";
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].trim().replace("\"", "");
            if (param.startsWith("charset=") && !param.equals("charset=utf-8")) {
                return "unsupported charset in " + type + "; send UTF-8";
            }
        }
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            return "unsupported Content-Encoding " + encoding + "; send the body uncompressed";
        }
        return null;
    }

    private static long contentLength(HttpExchange exchange) {
        String value = exchange.getRequestHeaders().getFirst("Content-Length");
        try {
            return value == null ? -1 : Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void send(HttpExchange exchange, Response response) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        response.headers().forEach(exchange.getResponseHeaders()::set);
        exchange.sendResponseHeaders(response.status(), response.body().length);
        exchange.getResponseBody().write(response.body());
    }

    /**
     * Stops accepting requests, waits for those in flight (at most the produce timeout plus a margin), then
     * flushes and closes the producer.
     */
    @Override
    public void close() {
        closing = true;
        int port = port();
        Duration wait = config.produceTimeout().plusSeconds(5);
        // The JDK server's stop(delay) waits the whole delay when nothing is in flight, so only wait when needed.
        server.stop(inFlight.get() == 0 ? 0 : (int) Math.max(1, wait.toSeconds()));
        executor.shutdown();
        try {
            if (!executor.awaitTermination(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("ingest requests still running after {} ms; closing the producer under them", wait.toMillis());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
        producer.close();
        log.info("ingest API on port {} stopped", port);
    }
}

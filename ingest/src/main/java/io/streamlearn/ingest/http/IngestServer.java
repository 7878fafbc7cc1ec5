package io.streamlearn.ingest.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.common.config.KafkaSettings;
import io.streamlearn.common.kafka.TopicAdmin;
import io.streamlearn.common.service.JdkHttpServers;
import io.streamlearn.common.topic.Topics;
import io.streamlearn.ingest.IngestConfig;
import io.streamlearn.ingest.metrics.IngestMetrics;
import io.streamlearn.ingest.validation.BodyFormat;
import io.streamlearn.ingest.validation.BodyLimitInputStream;
import io.streamlearn.ingest.validation.BodyTooLargeException;
import io.streamlearn.ingest.validation.InvalidRequestException;
import io.streamlearn.ingest.validation.RecordKind;
import io.streamlearn.ingest.validation.RejectReason;
import io.streamlearn.ingest.validation.RequestParser;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest HTTP(S) API on the JDK's HTTP server: {@code POST /v1/samples}, {@code /v1/events} and
 * {@code /v1/labels} take records in any {@link BodyFormat} and produce them to the samples, events and labels
 * topics; {@code GET /healthz} answers 200 while the process runs, {@code GET /readyz} 200 only while Kafka
 * answers, {@code GET /openapi.yaml} the API's OpenAPI 3 description. With tokens configured, POSTs need
 * {@code Authorization: Bearer <token>}; with a keystore configured, the server speaks HTTPS only. Requests run
 * on a bounded thread pool; connections beyond its queue are closed. {@link #close()} stops accepting, lets
 * requests in flight finish, then flushes and closes the producer.
 */
public final class IngestServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestServer.class);
    /** Every path served with its method: what openapi.yaml documents. */
    static final Map<String, String> ROUTES = Map.of("/v1/samples", "POST", "/v1/events", "POST",
            "/v1/labels", "POST", "/healthz", "GET", "/readyz", "GET", "/openapi.yaml", "GET");
    private static final String OPENAPI = "/openapi.yaml";
    /** Requests waiting for a thread, per thread; their bodies are not read yet, so waiting costs little memory. */
    private static final int QUEUE_PER_THREAD = 32;
    /** Status recorded in the metrics when the connection broke before an answer could be sent (as nginx does). */
    private static final int CLIENT_GONE = 499;
    /** Most of an unread request body read before answering; more closes the connection instead. */
    private static final long DRAIN_LIMIT = 64 * 1024;
    /** Largest body read into a request thread's reused buffer: each of the threads keeps at most this much. */
    private static final int REUSED_BODY_BYTES = 4 * 1024 * 1024;
    private static final ThreadLocal<byte[]> BODY_BUFFER = ThreadLocal.withInitial(() -> new byte[0]);

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final RecordProducer producer;
    private final KafkaReadiness readiness;
    private final BearerTokens tokens;
    private final IngestMetrics metrics;
    private final Map<String, RecordEndpoint> endpoints;
    private final IngestConfig config;
    private final byte[] openApi;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closing;

    private IngestServer(HttpServer server, ThreadPoolExecutor executor, RecordProducer producer,
                         KafkaReadiness readiness, IngestMetrics metrics, IngestConfig config) {
        this.server = server;
        this.executor = executor;
        this.producer = producer;
        this.readiness = readiness;
        this.metrics = metrics;
        this.config = config;
        this.tokens = new BearerTokens(config.authTokens());
        this.openApi = loadOpenApi();
        RequestParser parser = new RequestParser(config.inputSize(), config.classes(),
                config.maxRecordsPerRequest(), System::currentTimeMillis);
        this.endpoints = Map.of(
                "/v1/samples", new RecordEndpoint("samples", RecordKind.SAMPLE, Topics.SAMPLES, parser, producer,
                        metrics),
                "/v1/events", new RecordEndpoint("events", RecordKind.EVENT, Topics.EVENTS, parser, producer, metrics),
                "/v1/labels", new RecordEndpoint("labels", RecordKind.LABEL, Topics.LABELS, parser, producer,
                        metrics));
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
        KafkaReadiness readiness = new KafkaReadiness(kafka, config.readyTimeout(), metrics::kafkaReady);
        ThreadPoolExecutor executor = newExecutor(config.threads());
        HttpServer server = null;
        try {
            server = create(config);
            IngestServer ingest = new IngestServer(server, executor, producer, readiness, metrics, config);
            server.createContext("/", ingest::handle);
            server.setExecutor(executor);
            server.start();
            log.info("ingest API listening on {}://{}:{} ({} threads, input size {}, {} classes, {})",
                    config.tlsKeystore().isPresent() ? "https" : "http", config.httpHost(), ingest.port(),
                    config.threads(), config.inputSize(), config.classes(), config.authenticates()
                            ? config.authTokens().size() + " bearer tokens accepted" : "no authentication");
            return ingest;
        } catch (IOException | RuntimeException e) {
            if (server != null) {
                server.stop(0); // releases the port
            }
            executor.shutdownNow();
            producer.close(Duration.ZERO);
            readiness.close();
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot listen on " + config.httpHost() + ":" + config.httpPort(), io);
            }
            throw (RuntimeException) e;
        }
    }

    private static HttpServer create(IngestConfig config) throws IOException {
        JdkHttpServers.configure();
        InetSocketAddress address = new InetSocketAddress(config.httpHost(), config.httpPort());
        if (config.tlsKeystore().isEmpty()) {
            return HttpServer.create(address, 0);
        }
        // The keystore is read before the port is bound, so that a wrong one leaves nothing bound.
        HttpsConfigurator tls = new HttpsConfigurator(
                Tls.serverContext(config.tlsKeystore().get(), config.tlsKeystorePassword()));
        HttpsServer https = HttpsServer.create(address, 0);
        https.setHttpsConfigurator(tls);
        return https;
    }

    private static byte[] loadOpenApi() {
        try (InputStream in = IngestServer.class.getResourceAsStream(OPENAPI)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + OPENAPI + " from the classpath", e);
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
        metrics.requestStarted();
        String endpoint = "other";
        int status = 500;
        BodyLimitInputStream body = new BodyLimitInputStream(exchange.getRequestBody(), config.maxBodyBytes());
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            RecordEndpoint target = endpoints.get(path);
            endpoint = endpointLabel(path, target);
            Response response;
            try {
                response = respond(exchange, path, target, body);
            } catch (RuntimeException e) {
                log.error("request to {} failed", endpoint, e);
                response = Response.error(500, "internal error: " + e);
            }
            response = finishReading(exchange, body, response);
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

    private static String endpointLabel(String path, RecordEndpoint target) {
        if (target != null) {
            return target.name();
        }
        return switch (path) {
            case "/healthz" -> "healthz";
            case "/readyz" -> "readyz";
            case OPENAPI -> "openapi";
            default -> "other";
        };
    }

    private Response respond(HttpExchange exchange, String path, RecordEndpoint target, BodyLimitInputStream body)
            throws IOException {
        String method = ROUTES.get(path);
        if (method == null) {
            return Response.error(404, "no endpoint " + path + "; the API is described at GET " + OPENAPI);
        }
        if (!method.equals(exchange.getRequestMethod())) {
            return Response.error(405, "method not allowed; use " + method, Map.of("Allow", method));
        }
        return switch (path) {
            case "/healthz" -> Response.ok();
            case "/readyz" -> ready();
            case OPENAPI -> new Response(200, Map.of("Content-Type", "application/yaml"), openApi);
            default -> post(exchange, target, body);
        };
    }

    private Response ready() {
        if (closing) {
            return Response.error(503, "the ingest service is shutting down", retryAfter());
        }
        return readiness.ready() ? Response.status("ready")
                : Response.error(503, "Kafka did not answer within " + config.readyTimeout().toMillis() + " ms",
                        retryAfter());
    }

    private static Map<String, String> retryAfter() {
        return Map.of("Retry-After", Integer.toString(RecordEndpoint.RETRY_AFTER_SECONDS));
    }

    private Response post(HttpExchange exchange, RecordEndpoint target, BodyLimitInputStream body)
            throws IOException {
        Response refused = authenticate(exchange);
        if (refused != null) {
            return refused;
        }
        if (closing) {
            return Response.error(503, "the ingest service is shutting down", retryAfter());
        }
        BodyFormat format;
        try {
            format = BodyFormat.of(exchange.getRequestHeaders().getFirst("Content-Type"));
        } catch (InvalidRequestException e) {
            return Response.invalid(e);
        }
        String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
        if (encoding != null && !encoding.equalsIgnoreCase("identity")) {
            return Response.error(415, "unsupported Content-Encoding; send the body uncompressed");
        }
        long declared = contentLength(exchange);
        if (declared > config.maxBodyBytes()) {
            metrics.rejected(target.name(), RejectReason.BODY_TOO_LARGE.label(), 1);
            return Response.error(413, "request body of " + declared + " bytes is larger than the limit of "
                    + config.maxBodyBytes() + " bytes");
        }
        Body bytes;
        try {
            bytes = readBody(body, declared);
        } catch (BodyTooLargeException e) {
            metrics.rejected(target.name(), RejectReason.BODY_TOO_LARGE.label(), 1);
            return Response.error(413, e.getMessage());
        }
        return target.handle(format, bytes.bytes(), bytes.length());
    }

    /** Null when the request may go on, else the 401 or 403 answer. */
    private Response authenticate(HttpExchange exchange) {
        if (!tokens.enabled()) {
            return null;
        }
        return switch (tokens.check(exchange.getRequestHeaders().getFirst("Authorization"))) {
            case ACCEPTED -> null;
            case MISSING -> {
                metrics.authFailure("missing");
                yield Response.error(401, "missing bearer token: send Authorization: Bearer <token>",
                        Map.of("WWW-Authenticate", "Bearer realm=\"streamlearn-ingest\""));
            }
            case INVALID -> {
                metrics.authFailure("invalid");
                log.debug("refused a request from {} with an unknown bearer token", exchange.getRemoteAddress());
                yield Response.error(403, "the bearer token is not accepted");
            }
        };
    }

    /**
     * The body, read straight into one array (readNBytes(int) would gather 8 KiB chunks and copy them again). Bodies
     * up to {@link #REUSED_BODY_BYTES} go into the request thread's own buffer, reused by its next request: a batch
     * of a few hundred samples would otherwise be a humongous G1 allocation each time. The parser copies what it
     * keeps, so nothing refers to the buffer once the request is answered.
     */
    private static Body readBody(InputStream body, long declared) throws IOException {
        if (declared < 0) {
            byte[] bytes = body.readAllBytes();
            return new Body(bytes, bytes.length);
        }
        int length = (int) declared;
        byte[] bytes = length <= REUSED_BODY_BYTES ? threadBuffer(length) : new byte[length];
        int read = body.readNBytes(bytes, 0, length);
        if (read < length) {
            throw new EOFException("the body ended after " + read + " of " + declared + " bytes");
        }
        return new Body(bytes, length);
    }

    private static byte[] threadBuffer(int length) {
        byte[] buffer = BODY_BUFFER.get();
        if (buffer.length < length) {
            buffer = new byte[Math.min(REUSED_BODY_BYTES, Math.max(length, 2 * buffer.length))];
            BODY_BUFFER.set(buffer);
        }
        return buffer;
    }

    /** The first {@code length} bytes of {@code bytes}. */
    private record Body(byte[] bytes, int length) {
    }

    /**
     * Reads what the handler left of the request body (answers given before reading it: 401, 403, 404, 415...),
     * up to {@link #DRAIN_LIMIT}; a larger rest closes the connection after the answer (a body read whole keeps it
     * open, whatever its size). The JDK's HTTPS server
     * stalls the next request of a kept-alive connection whose last body was not read to the end (measured: one
     * connection in four hung until its idle timeout).
     */
    private static Response finishReading(HttpExchange exchange, BodyLimitInputStream body, Response response) {
        long declared = contentLength(exchange);
        if (declared < 0 || declared - body.count() <= DRAIN_LIMIT) {
            try {
                byte[] scratch = new byte[8192];
                long left = DRAIN_LIMIT;
                int n;
                while ((n = body.read(scratch, 0, (int) Math.min(scratch.length, left + 1))) > 0) {
                    left -= n;
                    if (left < 0) {
                        break;
                    }
                }
                if (left >= 0) {
                    return response;
                }
            } catch (IOException e) {
                log.debug("could not read the rest of a request body ({}); closing the connection", e.getMessage());
            }
        }
        return response.withHeader("Connection", "close");
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
        readiness.close();
        log.info("ingest API on port {} stopped", port);
    }
}

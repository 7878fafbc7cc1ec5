package io.streamlearn.scorer.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamlearn.common.service.JdkHttpServers;
import io.streamlearn.scorer.model.ModelRejectedException;
import io.streamlearn.scorer.model.ServingModels;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP endpoint of one scorer instance (JDK HTTP server, one thread, no authentication: bind it to
 * a private address). {@code GET /v1/models} shows champion, candidate trial, pending, pinned and held versions;
 * {@code POST /v1/pin?version=N} serves version N until {@code DELETE /v1/pin}; pinning a version this instance
 * does not hold answers 404, one it refused answers 409 with the reason. Pins are per instance and not persisted.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final ServingModels serving;

    private AdminServer(HttpServer server, ExecutorService executor, ServingModels serving) {
        this.server = server;
        this.executor = executor;
        this.serving = serving;
    }

    /** Starts serving on {@code host:port}; port 0 picks a free one (see {@link #port()}). */
    public static AdminServer start(String host, int port, ServingModels serving) {
        HttpServer server;
        try {
            JdkHttpServers.configure();
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the scorer admin endpoint on " + host + ":" + port, e);
        }
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "scorer-admin");
            t.setDaemon(true);
            return t;
        });
        AdminServer admin = new AdminServer(server, executor, serving);
        server.createContext("/v1/models", exchange -> admin.handle(exchange, admin::models));
        server.createContext("/v1/pin", exchange -> admin.handle(exchange, admin::pin));
        server.setExecutor(executor);
        server.start();
        log.info("scorer admin endpoint on http://{}:{}/v1/models", host, admin.port());
        return admin;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private record Reply(int status, Object body) {
    }

    private interface Route {
        Reply answer(HttpExchange exchange) throws ModelRejectedException;
    }

    private Reply models(HttpExchange exchange) {
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET");
            return error(405, exchange.getRequestMethod() + " is not allowed on /v1/models; use GET");
        }
        return new Reply(200, serving.status());
    }

    private Reply pin(HttpExchange exchange) throws ModelRejectedException {
        switch (exchange.getRequestMethod()) {
            case "POST" -> {
                String raw = queryParameter(exchange, "version");
                long version;
                try {
                    version = Long.parseLong(raw == null ? "" : raw);
                } catch (NumberFormatException e) {
                    return error(400, "POST /v1/pin needs ?version=N with a positive integer N, got " + raw);
                }
                if (version < 1) {
                    return error(400, "version must be positive, got " + version);
                }
                serving.pin(version);
                return new Reply(200, serving.status());
            }
            case "DELETE" -> {
                serving.unpin();
                return new Reply(200, serving.status());
            }
            default -> {
                exchange.getResponseHeaders().set("Allow", "POST, DELETE");
                return error(405, exchange.getRequestMethod() + " is not allowed on /v1/pin; use POST or DELETE");
            }
        }
    }

    private void handle(HttpExchange exchange, Route route) throws IOException {
        try (exchange) {
            Reply reply;
            String path = exchange.getRequestURI().getPath();
            if (!path.equals(exchange.getHttpContext().getPath())) {
                reply = error(404, "no such endpoint: " + path);
            } else {
                try {
                    reply = route.answer(exchange);
                } catch (NoSuchElementException e) {
                    reply = error(404, e.getMessage());
                } catch (ModelRejectedException e) {
                    reply = error(409, "cannot serve it: " + e.getMessage());
                } catch (RuntimeException e) {
                    log.error("admin {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
                    reply = error(500, "internal error: " + e);
                }
            }
            send(exchange, reply);
        }
    }

    private static void send(HttpExchange exchange, Reply reply) throws IOException {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(reply.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + reply.body() + " as JSON", e);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        if (reply.status() >= 400) {
            log.info("admin {} {} answered {}", exchange.getRequestMethod(), exchange.getRequestURI(), reply.status());
        }
    }

    private static Reply error(int status, String message) {
        return new Reply(status, Map.of("error", message));
    }

    private static String queryParameter(HttpExchange exchange, String name) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).equals(name)) {
                return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}

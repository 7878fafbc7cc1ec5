package io.streamlearn.app.live;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.streamlearn.common.service.JdkHttpServers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local run's live page: {@code /} is a self-contained HTML page (no external scripts: the machine may be
 * offline) that polls {@code /api/status} and draws accuracy per model version, drift markers, throughput and
 * the current versions.
 */
public final class LivePage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LivePage.class);
    private final HttpServer server;
    private final ScheduledExecutorService sampler;
    private final LiveRecorder recorder;
    private final byte[] html;

    private LivePage(HttpServer server, LiveRecorder recorder, byte[] html) {
        this.server = server;
        this.recorder = recorder;
        this.html = html;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "streamlearn-live-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    /** Serves on {@code host:port} (0 = free port) and samples the recorder every second. */
    public static LivePage start(String host, int port, LiveRecorder recorder) {
        try (InputStream in = LivePage.class.getResourceAsStream("live.html")) {
            if (in == null) {
                throw new IllegalStateException("live.html is missing from the classpath");
            }
            byte[] html = in.readAllBytes();
            JdkHttpServers.configure();
            HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
            LivePage page = new LivePage(server, recorder, html);
            server.createContext("/", page::handle);
            server.start();
            page.sampler.scheduleAtFixedRate(page::sample, 0, 1, TimeUnit.SECONDS);
            return page;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the live page on " + host + ":" + port, e);
        }
    }

    /** One sample; a failure is logged, as a scheduled task that throws is cancelled without a word. */
    private void sample() {
        try {
            recorder.sample();
        } catch (RuntimeException e) {
            log.warn("the live page could not sample the pipeline this second", e);
        }
    }

    public void mark(String label) {
        recorder.mark(label);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain", "method not allowed".getBytes(StandardCharsets.UTF_8));
            } else if (path.equals("/")) {
                send(exchange, 200, "text/html; charset=utf-8", html);
            } else if (path.equals("/api/status")) {
                send(exchange, 200, "application/json", statusJson().getBytes(StandardCharsets.UTF_8));
            } else {
                send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    String statusJson() {
        String points = recorder.points().stream().map(LivePage::pointJson).collect(Collectors.joining(","));
        String markers = recorder.markers().stream()
                .map(m -> String.format(Locale.ROOT, "{\"t\":%.1f,\"label\":\"%s\"}", m.t(), escape(m.label())))
                .collect(Collectors.joining(","));
        return "{\"points\":[" + points + "],\"markers\":[" + markers + "]}";
    }

    private static String pointJson(LiveRecorder.Point p) {
        String versions = p.versionAccuracy().entrySet().stream()
                .filter(e -> !e.getValue().isNaN())
                .map(e -> String.format(Locale.ROOT, "\"%d\":%.4f", e.getKey(), e.getValue()))
                .collect(Collectors.joining(","));
        return String.format(Locale.ROOT, "{\"t\":%.1f,\"sent\":%d,\"learned\":%d,\"trainer\":%s,\"scorer\":%s,"
                        + "\"versions\":{%s},\"snapshot\":%d,\"serving\":%d,\"alerts\":%d}",
                p.t(), p.sent(), p.learned(), number(p.trainerAccuracy()), number(p.scorerAccuracy()), versions,
                p.snapshotVersion(), p.servingVersion(), p.driftAlerts());
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        server.stop(0);
    }

}

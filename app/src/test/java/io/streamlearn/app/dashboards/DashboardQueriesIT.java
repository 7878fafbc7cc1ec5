package io.streamlearn.app.dashboards;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.streamlearn.app.local.LocalPipeline;
import io.streamlearn.app.testing.Blobs;
import io.streamlearn.common.config.Settings;
import io.streamlearn.ingest.dataset.Dataset;
import io.streamlearn.ingest.replay.HttpReplayer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proof that the Grafana dashboard and the Prometheus rules fit the metrics the services really emit: a real
 * Prometheus (1 s scrapes, the monitoring module's rules loaded) scrapes a running local pipeline fed with
 * synthetic samples, events and labels; then every panel query of the dashboard must return data through
 * Prometheus' HTTP API, the annotation queries and every rule must evaluate without error, and every metric
 * named in the rules and the dashboard must be exposed. Skipped without /usr/bin/prometheus unless CI is set.
 */
class DashboardQueriesIT {
    private static final Path MONITORING = Path.of("..", "monitoring").toAbsolutePath().normalize();
    private static final Path DASHBOARD = MONITORING.resolve("grafana/dashboards/streamlearn.json");
    private static final Path RULES = MONITORING.resolve("prometheus/rules");
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Pattern METRIC = Pattern.compile("(?<![:\\w])(streamlearn_\\w+)");

    @TempDir
    Path temp;

    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void requirePrometheus() {
        if (!Files.isExecutable(PROMETHEUS)) {
            if (System.getenv("CI") != null) {
                fail(PROMETHEUS + " is missing; CI installs it with the Debian package prometheus (.ci/run)");
            }
            Assumptions.abort(PROMETHEUS + " not found: install the Debian package prometheus to run the dashboard IT");
        }
    }

    @Test
    void everyDashboardQueryShouldReturnDataFromARunningPipeline() throws Exception {
        Map<String, List<String>> queries = dashboardQueries();
        try (LocalPipeline pipeline = LocalPipeline.start(settings(), temp.resolve("pipeline"))) {
            int port = freePort();
            Process prometheus = startPrometheus(pipeline.metricsPort(), port);
            try {
                URI api = URI.create("http://127.0.0.1:" + port);
                feed(pipeline);
                awaitAllReturnData(api, queries.get("panels"), Duration.ofSeconds(40));
                for (String expr : queries.get("annotations")) {
                    query(api, expr);
                }
                String rules = get(api.resolve("/api/v1/rules"));
                assertThat(rules).contains("streamlearn-recording", "streamlearn-alerts")
                        .doesNotContain("\"health\":\"err\"");
                assertThat(exposedMetrics(pipeline.metricsPort())).containsAll(namesUsed(queries));
            } finally {
                prometheus.destroy();
                prometheus.waitFor();
            }
        }
    }

    private static Settings settings() {
        // PSI windows small enough to fill with this little data, large enough to stay below 0.25
        return Settings.of(Blobs.pipelineSettings()).with(Map.of(
                "streamlearn.monitoring.drift.psi.reference.size", "300",
                "streamlearn.monitoring.drift.psi.window.size", "300"));
    }

    private Process startPrometheus(int metricsPort, int port) throws IOException {
        List<String> ruleFiles;
        try (Stream<Path> files = Files.list(RULES)) {
            ruleFiles = files.filter(p -> p.toString().endsWith(".yml")).map(p -> "  - " + p).sorted().toList();
        }
        Path config = temp.resolve("prometheus.yml");
        Files.writeString(config, String.join("\n",
                "global:", "  scrape_interval: 1s", "  evaluation_interval: 1s", "rule_files:",
                String.join("\n", ruleFiles), "scrape_configs:", "  - job_name: streamlearn",
                "    static_configs:", "      - targets: ['127.0.0.1:" + metricsPort + "']", ""));
        return new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + temp.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(temp.resolve("prometheus.log").toFile()).start();
    }

    /** Samples through the replayer, then live events and their labels, as the pipeline IT does. */
    private void feed(LocalPipeline pipeline) throws Exception {
        Blobs blobs = new Blobs(7);
        new HttpReplayer(pipeline.ingestUri(), 250, 0, 3).replay(blobs.sample(2000), (n, t) -> { });
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (pipeline.scorer().currentVersion() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        Dataset live = blobs.sample(300);
        post(pipeline.ingestUri().resolve("/v1/events"), Blobs.eventsJson(live));
        post(pipeline.ingestUri().resolve("/v1/labels"), Blobs.labelsJson(live));
        new HttpReplayer(pipeline.ingestUri(), 250, 0, 3).replay(blobs.sample(1000), (n, t) -> { });
    }

    private void awaitAllReturnData(URI api, List<String> exprs, Duration timeout) throws Exception {
        List<String> empty = new CopyOnWriteArrayList<>(exprs);
        try {
            await("dashboard queries return data").atMost(timeout).pollInterval(Duration.ofSeconds(1)).until(() -> {
                for (String expr : empty) {
                    if (query(api, expr) > 0) {
                        empty.remove(expr);
                    }
                }
                return empty.isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            fail("dashboard queries without data after " + timeout.toSeconds() + " s:\n  "
                    + String.join("\n  ", empty) + "\nprometheus log:\n"
                    + Files.readString(temp.resolve("prometheus.log")), e);
        }
    }

    /** Runs an instant query; fails on an error answer, returns the number of series. */
    private int query(URI api, String expr) throws Exception {
        String body = get(api.resolve("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)));
        assertThat(body).as("query %s", expr).contains("\"status\":\"success\"");
        try (JsonParser p = new JsonFactory().createParser(body)) {
            while (p.nextToken() != null) {
                if (p.currentToken() == JsonToken.FIELD_NAME && p.currentName().equals("result")) {
                    p.nextToken();
                    int series = 0;
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        series++;
                        p.skipChildren();
                    }
                    return series;
                }
            }
        }
        throw new AssertionError("no result in the answer to " + expr + ": " + body);
    }

    private String get(URI uri) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 503 || System.nanoTime() > deadline) {
                    return r.body();
                }
            } catch (java.net.ConnectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(200);
        }
    }

    /** Panel and annotation queries of the dashboard, read with the streaming parser (no tree model needed). */
    private static Map<String, List<String>> dashboardQueries() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put("panels", new ArrayList<>());
        out.put("annotations", new ArrayList<>());
        try (JsonParser p = new JsonFactory().createParser(DASHBOARD.toFile())) {
            int depth = 0;
            String section = null;
            while (p.nextToken() != null) {
                JsonToken t = p.currentToken();
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    depth++;
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    depth--;
                } else if (t == JsonToken.FIELD_NAME && depth == 1) {
                    section = p.currentName();
                } else if (t == JsonToken.FIELD_NAME && p.currentName().equals("expr") && out.containsKey(section)) {
                    p.nextToken();
                    out.get(section).add(p.getText());
                }
            }
        }
        assertThat(out.get("panels")).hasSizeGreaterThan(20);
        return out;
    }

    /** Metric names in the dashboard's queries and in the rule files, recording rules (with colons) excluded. */
    private static Set<String> namesUsed(Map<String, List<String>> queries) throws IOException {
        StringBuilder text = new StringBuilder();
        queries.values().forEach(list -> list.forEach(q -> text.append(q).append('\n')));
        try (Stream<Path> files = Files.list(RULES)) {
            for (Path f : files.toList()) {
                text.append(Files.readString(f));
            }
        }
        Set<String> names = new HashSet<>();
        Matcher m = METRIC.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** Every metric name the pipeline's /metrics declares, histogram series included, even families without samples. */
    private Set<String> exposedMetrics(int metricsPort) throws Exception {
        String text = get(URI.create("http://127.0.0.1:" + metricsPort + "/metrics"));
        Set<String> names = new HashSet<>();
        Matcher m = Pattern.compile("(?m)^# TYPE (\\w+) (\\w+)$").matcher(text);
        while (m.find()) {
            names.add(m.group(1));
            if (m.group(2).equals("histogram")) {
                names.addAll(List.of(m.group(1) + "_bucket", m.group(1) + "_sum", m.group(1) + "_count"));
            }
        }
        return names;
    }

    private void post(URI uri, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

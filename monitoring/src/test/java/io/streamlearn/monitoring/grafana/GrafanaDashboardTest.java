package io.streamlearn.monitoring.grafana;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.streamlearn.monitoring.metrics.MonitoringMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's structure and queries without a running Grafana: layout, data source, PromQL syntax (through
 * promtool), and monitoring metric and recording-rule names. The app module's dashboard IT runs every query against
 * a Prometheus scraping a live pipeline.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("grafana", "dashboards", "streamlearn.json");
    private static final Path DATASOURCE = Path.of("grafana", "provisioning", "datasources", "prometheus.yml");

    private final JsonNode dashboard = read();

    @TempDir
    Path temp;

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(DASHBOARD.toFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + DASHBOARD, e);
        }
    }

    @Test
    void shouldUseTheProvisionedDataSourceInEveryPanelAndTarget() throws IOException {
        Matcher uid = Pattern.compile("uid:\\s*(\\S+)").matcher(Files.readString(DATASOURCE));
        assertThat(uid.find()).isTrue();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.at("/datasource/uid").asText()).as(panel.get("title").asText()).isEqualTo(uid.group(1));
            for (JsonNode target : panel.get("targets")) {
                assertThat(target.at("/datasource/uid").asText()).isEqualTo(uid.group(1));
            }
        }
    }

    @Test
    void shouldLayOutPanelsWithUniqueIdsWithoutOverlap() {
        Set<Integer> ids = new HashSet<>();
        List<int[]> boxes = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(ids.add(panel.get("id").asInt())).as("duplicate id %s", panel.get("id")).isTrue();
            JsonNode g = panel.get("gridPos");
            int[] box = {g.get("x").asInt(), g.get("y").asInt(), g.get("w").asInt(), g.get("h").asInt()};
            assertThat(box[0] + box[2]).isLessThanOrEqualTo(24);
            for (int[] other : boxes) {
                boolean overlap = box[0] < other[0] + other[2] && other[0] < box[0] + box[2]
                        && box[1] < other[1] + other[3] && other[1] < box[1] + box[3];
                assertThat(overlap).as("%s overlaps another panel", panel.get("title")).isFalse();
            }
            boxes.add(box);
        }
    }

    @Test
    void shouldCoverEveryRequiredView() {
        List<String> titles = new ArrayList<>();
        dashboard.get("panels").forEach(p -> titles.add(p.get("title").asText()));
        assertThat(titles).contains("Ingest throughput", "Scoring throughput", "Scoring latency",
                "Accuracy per model version", "Accuracy, kappa and no-change baseline", "Drift", "Model versions",
                "Model age", "Consumer lag", "Dead letters and unmatched records");
        assertThat(dashboard.at("/annotations/list/1/expr").asText()).contains("streamlearn_monitoring_drift_alerts_total");
    }

    @Test
    void shouldOnlyReferToMonitoringMetricsAndRecordingRulesThatExist() throws IOException {
        Set<String> registered = new HashSet<>(Set.of("streamlearn_monitoring_consumer_lag_records"));
        CollectorRegistry registry = new CollectorRegistry();
        new MonitoringMetrics(registry);
        for (Collector.MetricFamilySamples f : Collections.list(registry.metricFamilySamples())) {
            registered.add(f.type == Collector.Type.COUNTER ? f.name + "_total" : f.name);
            f.samples.forEach(s -> registered.add(s.name));
        }
        String recording = Files.readString(Path.of("prometheus", "rules", "recording.yml"));
        Set<String> recorded = matches(recording, "record:\\s+(\\S+)");
        for (String expr : queries()) {
            assertThat(registered).as(expr).containsAll(matches(expr, "(?<![:\\w])(streamlearn_monitoring_\\w+)"));
            assertThat(recorded).as(expr).containsAll(matches(expr, "(\\w*:[\\w:]+)(?=[\\s{)]|$)"));
        }
    }

    @Test
    void shouldParseEveryQueryWithPromtool() throws Exception {
        Path promtool = Path.of("/usr/bin/promtool");
        Assumptions.assumeTrue(System.getenv("CI") != null || Files.isExecutable(promtool),
                "promtool not found: install the Debian package prometheus to check the dashboard's PromQL");
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int n = 0;
        for (String expr : queries()) {
            rules.append("      - record: dashboard_query_").append(n++).append("\n        expr: '")
                    .append(expr.replace("'", "''")).append("'\n");
        }
        Path file = temp.resolve("dashboard-queries.yml");
        Files.writeString(file, rules);
        Process p = new ProcessBuilder(promtool.toString(), "check", "rules", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS: " + n + " rules found");
    }

    private List<String> queries() {
        List<String> out = new ArrayList<>();
        dashboard.get("panels").forEach(p -> p.get("targets").forEach(t -> out.add(t.get("expr").asText())));
        dashboard.at("/annotations/list").forEach(a -> {
            if (a.has("expr")) {
                out.add(a.get("expr").asText());
            }
        });
        assertThat(out).hasSizeGreaterThan(20).allSatisfy(e -> assertThat(e).isNotBlank());
        return out;
    }

    private static Set<String> matches(String text, String regex) {
        Set<String> out = new HashSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }
}

package io.streamlearn.monitoring.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

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
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code promtool} on the Prometheus files of this module: both configurations, the rules, and the rule unit
 * tests. Without promtool the test is skipped, except in CI (env CI set), where it must run.
 */
class PrometheusRulesTest {
    private static final Path DIR = Path.of("prometheus");
    private static final String PROMTOOL = "/usr/bin/promtool";

    @BeforeAll
    static void requirePromtool() {
        if (!Files.isExecutable(Path.of(PROMTOOL))) {
            if (System.getenv("CI") != null) {
                fail(PROMTOOL + " is missing; CI installs it with the Debian package prometheus (.ci/run)");
            }
            Assumptions.abort(PROMTOOL + " not found: install the Debian package prometheus to run the rule tests");
        }
    }

    @Test
    void shouldAcceptTheComposeAndLocalConfigurations() throws Exception {
        promtool("check", "config", "prometheus.yml");
        promtool("check", "config", "prometheus-local.yml");
    }

    @Test
    void shouldAcceptEveryRuleFile() throws Exception {
        List<String> args = new ArrayList<>(List.of("check", "rules"));
        args.addAll(files("rules"));
        promtool(args.toArray(String[]::new));
    }

    @Test
    void shouldPassTheRuleUnitTests() throws Exception {
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        args.addAll(files("tests"));
        promtool(args.toArray(String[]::new));
    }

    @Test
    void shouldHaveAUnitTestForEveryAlert() throws IOException {
        Set<String> alerts = matches(Files.readString(DIR.resolve("rules/alerts.yml")), "-\\s+alert:\\s+(\\w+)");
        Set<String> tested = new HashSet<>();
        for (String test : files("tests")) {
            tested.addAll(matches(Files.readString(DIR.resolve(test)), "alertname:\\s+(\\w+)"));
        }
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(6);
        assertThat(tested).containsAll(alerts);
    }

    @Test
    void shouldOnlyUseMonitoringMetricsThatTheServiceRegisters() throws IOException {
        Set<String> registered = new HashSet<>();
        CollectorRegistry registry = new CollectorRegistry();
        new MonitoringMetrics(registry);
        for (Collector.MetricFamilySamples f : Collections.list(registry.metricFamilySamples())) {
            registered.add(f.type == Collector.Type.COUNTER ? f.name + "_total" : f.name);
            f.samples.forEach(s -> registered.add(s.name));
        }
        registered.add("streamlearn_monitoring_consumer_lag_records");
        Set<String> used = new HashSet<>();
        for (String rules : files("rules")) {
            used.addAll(matches(Files.readString(DIR.resolve(rules)), "(?<![:\\w])(streamlearn_monitoring_\\w+)"));
        }
        assertThat(used).isNotEmpty();
        assertThat(registered).containsAll(used);
    }

    private static List<String> files(String folder) throws IOException {
        try (Stream<Path> paths = Files.list(DIR.resolve(folder))) {
            return paths.filter(p -> p.toString().endsWith(".yml")).sorted()
                    .map(p -> DIR.relativize(p).toString()).toList();
        }
    }

    private static Set<String> matches(String text, String regex) {
        Set<String> out = new HashSet<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static void promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PROMTOOL));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(DIR.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("promtool " + String.join(" ", args) + " did not finish in 60 s:\n" + output);
        }
        assertThat(process.exitValue()).as("promtool %s failed:%n%s", String.join(" ", args), output).isZero();
    }
}

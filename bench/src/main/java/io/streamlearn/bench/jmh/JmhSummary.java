package io.streamlearn.bench.jmh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.streamlearn.bench.report.Format;
import io.streamlearn.bench.report.Machine;
import io.streamlearn.bench.report.MarkdownReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns JMH's JSON results ({@code -rf json}) into the microbenchmark section of docs/benchmarks.md.
 * Arguments: the JSON file, the document, and the JMH options used (one string, for the record).
 */
public final class JmhSummary {
    private JmhSummary() {
    }

    public static void main(String[] args) {
        if (args.length != 3) {
            System.err.println("usage: JmhSummary RESULTS.json DOCUMENT.md 'JMH OPTIONS'");
            System.exit(2);
        }
        String section = section(read(Path.of(args[0])), args[2]);
        System.out.println(section);
        MarkdownReport.replaceSection(Path.of(args[1]), "jmh", section, "# Benchmarks");
    }

    static String section(JsonNode results, String jmhOptions) {
        StringBuilder b = new StringBuilder("## Microbenchmarks (JMH)\n\n");
        b.append("Measured ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE)).append(" by `./bin/benchmark --jmh` (")
                .append(jmhOptions).append("), load average ").append(Machine.loadAverage())
                .append(". Error is JMH's 99.9% confidence half-width; with one fork and few iterations it is wide.\n\n");
        b.append("| benchmark | parameters | score | error | unit |\n|---|---|---|---|---|\n");
        for (JsonNode r : results) {
            String name = r.get("benchmark").asText().replace("io.streamlearn.bench.jmh.", "");
            String params = "";
            if (r.has("params")) {
                Map<String, String> p = new TreeMap<>();
                r.get("params").properties().forEach(e -> p.put(e.getKey(), e.getValue().asText()));
                params = p.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
            }
            JsonNode m = r.get("primaryMetric");
            b.append("| ").append(name).append(" | ").append(params).append(" | ")
                    .append(Format.number(m.get("score").asDouble())).append(" | ± ")
                    .append(Format.number(m.get("scoreError").asDouble())).append(" | ")
                    .append(m.get("scoreUnit").asText()).append(" |\n");
        }
        return b.toString();
    }

    private static JsonNode read(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read JMH results " + file, e);
        }
    }
}

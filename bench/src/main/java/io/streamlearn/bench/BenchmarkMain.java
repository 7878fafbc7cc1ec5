package io.streamlearn.bench;

import io.streamlearn.bench.report.Machine;
import io.streamlearn.bench.report.MarkdownReport;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of {@code ./bin/benchmark}: runs every stage beside its peer on this machine, prints the table and
 * replaces the generated section of docs/benchmarks.md with it, the machine's description and the date.
 */
public final class BenchmarkMain {
    private static final Logger log = LoggerFactory.getLogger(BenchmarkMain.class);
    static final String TITLE = "# Benchmarks";

    private BenchmarkMain() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ZonedDateTime started = ZonedDateTime.now();
        String loadBefore = Machine.loadAverage();
        long t0 = System.nanoTime();
        Suite suite = new Suite(options);
        suite.run();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        Map<String, String> context = new LinkedHashMap<>();
        context.put("date", started.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(started.getZone()))
                .replaceFirst("\\.\\d+", ""));
        context.put("command", "`./bin/benchmark" + String.join(" ", args).transform(a -> a.isEmpty() ? "" : " " + a)
                + "`, " + took.toMinutesPart() + " min " + took.toSecondsPart() + " s");
        context.putAll(Machine.describe());
        context.put("load average (1/5/15 min)", "before " + loadBefore + ", after " + Machine.loadAverage()
                + " (2 cores; other processes shared the machine when these exceed ~1)");
        context.putAll(suite.context());
        String section = MarkdownReport.section("## Results", context, suite.rows(), suite.notes());
        System.out.println();
        System.out.println(section);
        long missed = suite.rows().stream().filter(r -> !r.met()).count();
        log.info("{} rows, {} missed their target, in {} s", suite.rows().size(), missed, took.toSeconds());
        if (options.quick()) {
            log.info("quick run: {} left unchanged", options.out());
        } else {
            MarkdownReport.replaceSection(options.out(), "bench", section, TITLE);
            log.info("wrote {}", options.out());
        }
    }
}

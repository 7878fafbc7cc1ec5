package io.streamlearn.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownReportTest {
    @TempDir
    Path dir;

    @Test
    void shouldReplaceOnlyItsOwnSectionAndKeepHandWrittenText() throws IOException {
        Path doc = dir.resolve("docs/benchmarks.md");
        MarkdownReport.replaceSection(doc, "bench", "first table", "# Benchmarks");
        Files.writeString(doc, Files.readString(doc) + "\n## Findings\nwritten by hand\n");
        MarkdownReport.replaceSection(doc, "jmh", "jmh table", "# Benchmarks");
        MarkdownReport.replaceSection(doc, "bench", "second table", "# Benchmarks");

        String text = Files.readString(doc);
        assertThat(text).startsWith("# Benchmarks").contains("second table", "written by hand", "jmh table")
                .doesNotContain("first table");
        assertThat(text.indexOf("second table")).isLessThan(text.indexOf("written by hand"));
    }

    @Test
    void shouldPrintOursPeerRatioTargetAndVerdictPerRow() {
        Row row = new Row("Scoring", "events/s", Stats.of(800, 900, 1000), "pass-through", Stats.of(1000),
                Target.ratioAtLeast(0.9), "2");
        String table = MarkdownReport.section("## Results", Map.of("date", "today"), List.of(row),
                Map.of("2", "how it was measured"));
        assertThat(table).contains("| 1 | Scoring [2] | events/s | 900 (800–1,000) | pass-through | 1,000 | 0.90x "
                + "| ratio >= 0.90x | pass |", "- **date**: today", "- [2] how it was measured");
    }
}

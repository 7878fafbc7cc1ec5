package io.streamlearn.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The benchmark table as text: plain for the console, Markdown for docs/benchmarks.md. In the document only the
 * part between {@code <!-- name:start -->} and {@code <!-- name:end -->} is replaced, so hand-written analysis
 * around it survives the next run.
 */
public final class MarkdownReport {
    private static final String HEADER = "| # | stage | metric | ours: median (min–max) | peer | peer: median (min–max) "
            + "| ours / peer | target | result |\n|---|---|---|---|---|---|---|---|---|\n";

    private MarkdownReport() {
    }

    public static String table(List<Row> rows) {
        StringBuilder b = new StringBuilder(HEADER);
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            b.append("| ").append(i + 1).append(" | ").append(r.stage())
                    .append(r.note().isEmpty() ? "" : " [" + r.note() + "]")
                    .append(" | ").append(r.metric())
                    .append(" | ").append(Row.cell(r.ours()))
                    .append(" | ").append(r.peerName() == null ? "—" : r.peerName())
                    .append(" | ").append(Row.cell(r.peer()))
                    .append(" | ").append(r.peer() == null ? "—" : Format.ratio(r.ratio()))
                    .append(" | ").append(r.target().describe())
                    .append(" | ").append(r.verdict()).append(" |\n");
        }
        return b.toString();
    }

    /** The generated section: when and where it was measured, the table, and the notes its rows point to. */
    public static String section(String heading, Map<String, String> context, List<Row> rows,
                                 Map<String, String> notes) {
        StringBuilder b = new StringBuilder();
        b.append(heading).append("\n\n");
        context.forEach((k, v) -> b.append("- **").append(k).append("**: ").append(v).append('\n'));
        b.append('\n').append(table(rows)).append('\n');
        notes.forEach((k, v) -> b.append("- [").append(k).append("] ").append(v).append('\n'));
        return b.toString();
    }

    /** Replaces the {@code name} section of {@code doc} (creating the file or appending the section if missing). */
    public static void replaceSection(Path doc, String name, String content, String newDocumentTitle) {
        String start = "<!-- " + name + ":start -->";
        String end = "<!-- " + name + ":end -->";
        String block = start + "\n" + content.strip() + "\n" + end;
        try {
            String text = Files.exists(doc) ? Files.readString(doc) : newDocumentTitle + "\n";
            int from = text.indexOf(start);
            int to = text.indexOf(end);
            String updated = from >= 0 && to > from
                    ? text.substring(0, from) + block + text.substring(to + end.length())
                    : text.stripTrailing() + "\n\n" + block + "\n";
            Files.createDirectories(doc.toAbsolutePath().getParent());
            Files.writeString(doc, updated);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + doc, e);
        }
    }
}

package io.streamlearn.ingest.validation;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads a CSV body (RFC 4180: comma-separated, optionally double-quoted fields, CRLF or LF line ends, UTF-8).
 * Without a header, a sample row is its features then its label, an event row its features, a label row
 * {@code event_id,label}. The first row is a header when it holds names rather than values (its first field is not
 * a number; for labels, it is {@code event_id}); a header may add an {@code id} column first and a
 * {@code timestamp} column last. Blank lines are skipped.
 */
final class CsvRecords {
    private CsvRecords() {
    }

    /** Which columns a row has: an optional id first, the record's own columns, an optional timestamp last. */
    private record Layout(boolean id, boolean timestamp) {
        int width(RecordState r) {
            int own = r.kind == RecordKind.LABEL ? 2 : r.inputSize + (r.kind.hasLabel() ? 1 : 0);
            return own + (id ? 1 : 0) + (timestamp ? 1 : 0);
        }

        String describe(RecordState r) {
            String own = switch (r.kind) {
                case SAMPLE -> r.inputSize + " features, label";
                case EVENT -> r.inputSize + " features";
                case LABEL -> "event_id, label";
            };
            return (id ? "id, " : "") + own + (timestamp ? ", timestamp" : "");
        }
    }

    static <T> List<T> read(byte[] body, int length, RecordState r, int maxRecords, Function<RecordState, T> build)
            throws InvalidRequestException {
        Rows rows = new Rows(decode(body, length));
        List<String> row = rows.next();
        if (row == null) {
            throw InvalidRequestException.of(400, "empty body: expected CSV rows", RejectReason.NO_RECORDS, 0);
        }
        Layout layout = new Layout(false, false);
        if (isHeader(row, r.kind)) {
            layout = header(row, r, rows.rowLine);
            row = rows.next();
            if (row == null) {
                throw InvalidRequestException.of(400, "no records: the CSV body holds only a header",
                        RejectReason.NO_RECORDS, 0);
            }
        }
        List<T> out = new ArrayList<>();
        for (; row != null; row = rows.next()) {
            r.checkCapacity(maxRecords);
            r.start();
            readRow(row, layout, r);
            if (r.valid()) {
                if (r.id == null) {
                    r.id = UUID.randomUUID().toString();
                }
                out.add(build.apply(r));
            }
        }
        return out;
    }

    private static String decode(byte[] body, int length) throws InvalidRequestException {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body, 0, length)).toString();
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw malformed("the body is not valid UTF-8", 0, 0, 1);
        }
    }

    private static boolean isHeader(List<String> row, RecordKind kind) {
        String first = row.get(0).trim();
        if (kind == RecordKind.LABEL) {
            return first.equalsIgnoreCase("event_id") || first.equalsIgnoreCase("eventId");
        }
        try {
            Float.parseFloat(first);
            return false;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static Layout header(List<String> names, RecordState r, int line) throws InvalidRequestException {
        String first = names.get(0).trim().toLowerCase(Locale.ROOT);
        String last = names.get(names.size() - 1).trim().toLowerCase(Locale.ROOT);
        boolean timestamp = names.size() > 1 && last.equals("timestamp");
        Layout layout = new Layout(r.kind != RecordKind.LABEL && first.equals("id"), timestamp);
        boolean labelNamed = !r.kind.hasLabel() || names.size() >= 2
                && names.get(names.size() - (timestamp ? 2 : 1)).trim().equalsIgnoreCase("label");
        if (names.size() != layout.width(r) || !labelNamed) {
            throw InvalidRequestException.of(400, "CSV header on line " + line + " has " + names.size()
                    + " columns" + (labelNamed ? "" : " and no 'label' column where expected") + "; expected "
                    + layout.describe(r), RejectReason.WRONG_FEATURE_COUNT, 1);
        }
        return layout;
    }

    private static void readRow(List<String> row, Layout layout, RecordState r) {
        int width = layout.width(r);
        if (row.size() != width) {
            RejectReason reason = r.kind == RecordKind.LABEL ? RejectReason.INVALID_VALUE
                    : RejectReason.WRONG_FEATURE_COUNT;
            r.problem("", reason, "row has " + row.size() + " fields, expected " + width + " ("
                    + layout.describe(r) + ")");
            return;
        }
        int col = 0;
        if (layout.id()) {
            String id = row.get(col++);
            r.id = id.isEmpty() ? null : r.checkId("id", id);
        }
        if (r.kind == RecordKind.LABEL) {
            r.eventIdPresent = true;
            r.eventId = r.checkId("event_id", row.get(col++));
        } else {
            for (int i = 0; i < r.inputSize; i++) {
                readFeature(row.get(col++), i, r);
            }
            r.featureCount(r.inputSize);
        }
        if (r.kind.hasLabel()) {
            readLabel(row.get(col++).trim(), r);
        }
        if (layout.timestamp()) {
            readTimestamp(row.get(col).trim(), r);
        }
    }

    private static void readFeature(String text, int n, RecordState r) {
        try {
            float v = Float.parseFloat(text);
            r.feature(n, v, Float.isFinite(v) ? null : text.trim());
        } catch (NumberFormatException e) {
            r.problem("features[" + n + "]", RejectReason.WRONG_TYPE, "must be a number, got '" + clip(text) + "'");
        }
    }

    private static void readLabel(String text, RecordState r) {
        if (!text.matches("[-+]?[0-9]+")) {
            r.labelPresent = true;
            r.problem("label", RejectReason.WRONG_TYPE, "must be an integer class index, got '" + clip(text) + "'");
            return;
        }
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            v = -1; // more digits than a long holds: out of range all the same
        }
        r.label(v, text);
    }

    private static void readTimestamp(String text, RecordState r) {
        if (text.isEmpty()) {
            return;
        }
        if (!text.matches("[-+]?[0-9]+")) {
            r.problem("timestamp", RejectReason.WRONG_TYPE, "must be an integer (epoch milliseconds), got '"
                    + clip(text) + "'");
            return;
        }
        long v;
        try {
            v = Long.parseLong(text);
        } catch (NumberFormatException e) {
            v = -1;
        }
        r.timestamp(v, text);
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    static InvalidRequestException malformed(String message, int line, int column, int records) {
        String where = line > 0 ? " at line " + line + ", column " + column : "";
        return new InvalidRequestException(400, "malformed CSV" + where + ": " + message, List.of(), 0, line, column,
                Map.of(RejectReason.MALFORMED_CSV, Math.max(1, records)));
    }

    /** Splits CSV text into rows of fields. */
    static final class Rows {
        private final String s;
        private int pos;
        private int line = 1;
        private int lineStart;
        private int records;
        int rowLine;

        Rows(String s) {
            this.s = s;
        }

        /** The next row's fields, or null at the end of the text; blank lines are skipped. */
        List<String> next() throws InvalidRequestException {
            while (pos < s.length() && (s.charAt(pos) == '\n' || s.charAt(pos) == '\r')) {
                endOfLine();
            }
            if (pos >= s.length()) {
                return null;
            }
            rowLine = line;
            records++;
            List<String> fields = new ArrayList<>();
            while (true) {
                fields.add(pos < s.length() && s.charAt(pos) == '"' ? quoted() : plain());
                if (pos >= s.length()) {
                    return fields;
                }
                char c = s.charAt(pos);
                if (c == ',') {
                    pos++;
                } else {
                    endOfLine();
                    return fields;
                }
            }
        }

        private String plain() throws InvalidRequestException {
            int start = pos;
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ',' || c == '\n' || c == '\r') {
                    break;
                }
                if (c == '"') {
                    throw malformed("a double quote inside an unquoted field; quote the whole field", line,
                            pos - lineStart + 1, records);
                }
                pos++;
            }
            return s.substring(start, pos);
        }

        private String quoted() throws InvalidRequestException {
            int startLine = line;
            int startColumn = pos - lineStart + 1;
            StringBuilder field = new StringBuilder();
            pos++;
            while (true) {
                if (pos >= s.length()) {
                    throw malformed("the quoted field that starts here is never closed", startLine, startColumn,
                            records);
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    if (pos < s.length() && s.charAt(pos) == '"') {
                        field.append('"');
                        pos++;
                        continue;
                    }
                    break;
                }
                if (c == '\n') {
                    line++;
                    lineStart = pos;
                }
                field.append(c);
            }
            if (pos < s.length() && ",\r\n".indexOf(s.charAt(pos)) < 0) {
                throw malformed("unexpected character after a closing quote", line, pos - lineStart + 1, records);
            }
            return field.toString();
        }

        private void endOfLine() {
            if (s.charAt(pos) == '\r' && pos + 1 < s.length() && s.charAt(pos + 1) == '\n') {
                pos++;
            }
            pos++;
            line++;
            lineStart = pos;
        }
    }
}

package io.streamlearn.ingest.validation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.Label;
import io.streamlearn.common.wire.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Reads the JSON body of an ingest request (one record object, or an array of them) with Jackson's streaming
 * parser straight into protobuf messages, features into a reused {@code float[]} without boxing, and validates
 * every record against the configured shape. After an invalid record, parsing goes on so that one answer lists
 * every problem (the first {@link #MAX_PROBLEMS}); the request is then rejected whole. Syntax errors stop at
 * once and report the parser's line and column. Records without an id get a random UUID, without a timestamp
 * the time the request arrived.
 */
public final class RequestParser {
    public static final int MAX_PROBLEMS = 100;
    public static final int MAX_ID_LENGTH = 256;

    private static final JsonFactory JSON = JsonFactory.builder()
            // Accept the NaN/Infinity literals so that they are rejected with a reason instead of a syntax error.
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .build();

    private final int inputSize;
    private final int classes;
    private final int maxRecords;
    private final LongSupplier clockMs;

    public RequestParser(int inputSize, int classes, int maxRecords, LongSupplier clockMs) {
        this.inputSize = inputSize;
        this.classes = classes;
        this.maxRecords = maxRecords;
        this.clockMs = clockMs;
    }

    public List<Sample> samples(InputStream body) throws IOException, InvalidRequestException {
        return parse(body, RecordKind.SAMPLE, r -> {
            Sample.Builder b = Sample.newBuilder().setId(r.id).setLabel(r.label).setTimestampMs(r.timestamp);
            for (int i = 0; i < inputSize; i++) {
                b.addFeatures(r.features[i]);
            }
            return b.build();
        });
    }

    public List<Event> events(InputStream body) throws IOException, InvalidRequestException {
        return parse(body, RecordKind.EVENT, r -> {
            Event.Builder b = Event.newBuilder().setId(r.id).setTimestampMs(r.timestamp);
            for (int i = 0; i < inputSize; i++) {
                b.addFeatures(r.features[i]);
            }
            return b.build();
        });
    }

    public List<Label> labels(InputStream body) throws IOException, InvalidRequestException {
        return parse(body, RecordKind.LABEL,
                r -> Label.newBuilder().setEventId(r.eventId).setLabel(r.label).setTimestampMs(r.timestamp).build());
    }

    private <T> List<T> parse(InputStream body, RecordKind kind, Function<RecordState, T> build)
            throws IOException, InvalidRequestException {
        RecordState r = new RecordState(kind, inputSize, clockMs.getAsLong());
        List<T> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_OBJECT) {
                readRecordInto(p, r, build, out);
            } else if (t == JsonToken.START_ARRAY) {
                readArray(p, r, build, out);
            } else {
                throw notRecords(t);
            }
            if (p.nextToken() != null) {
                throw malformed("unexpected content after the JSON value", p.currentLocation(), r.records);
            }
        } catch (JsonProcessingException e) {
            throw malformed(e.getOriginalMessage(), e.getLocation(), r.records);
        } catch (BodyTooLargeException e) {
            throw InvalidRequestException.of(413, e.getMessage(), RejectReason.BODY_TOO_LARGE, Math.max(1, r.records));
        }
        if (r.problemCount > 0) {
            throw r.rejection();
        }
        return out;
    }

    private <T> void readArray(JsonParser p, RecordState r, Function<RecordState, T> build, List<T> out)
            throws IOException, InvalidRequestException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (r.records == maxRecords) {
                throw InvalidRequestException.of(413, "too many records: more than the limit of " + maxRecords
                        + " per request", RejectReason.TOO_MANY_RECORDS, maxRecords + 1);
            }
            if (t == JsonToken.START_OBJECT) {
                readRecordInto(p, r, build, out);
            } else {
                r.start();
                r.problem("", RejectReason.NOT_AN_OBJECT, "must be a JSON object, got " + describe(t));
                p.skipChildren();
            }
        }
        if (r.records == 0) {
            throw InvalidRequestException.of(400, "no records: the array is empty", RejectReason.NO_RECORDS, 0);
        }
    }

    /** Reads one object (the parser is on its START_OBJECT) and adds its message to {@code out} if it is valid. */
    private <T> void readRecordInto(JsonParser p, RecordState r, Function<RecordState, T> build, List<T> out)
            throws IOException {
        r.start();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            readField(p, r, name);
        }
        r.checkRequired();
        if (r.valid()) {
            if (r.id == null) {
                r.id = UUID.randomUUID().toString();
            }
            out.add(build.apply(r));
        }
    }

    private void readField(JsonParser p, RecordState r, String name) throws IOException {
        if (!r.kind.fields().contains(name)) {
            r.problem(name, RejectReason.UNKNOWN_FIELD, "unknown field; expected " + r.kind.fields());
            p.skipChildren();
            return;
        }
        switch (name) {
            case "id" -> r.id = readId(p, r, name, false);
            case "event_id", "eventId" -> readEventId(p, r, name);
            case "features" -> readFeatures(p, r);
            case "label" -> readLabel(p, r);
            case "timestamp" -> readTimestamp(p, r);
            default -> throw new IllegalStateException("field " + name + " allowed but not read");
        }
    }

    private void readEventId(JsonParser p, RecordState r, String name) throws IOException {
        if (r.eventIdPresent) {
            r.problem(name, RejectReason.INVALID_VALUE, "give event_id or eventId, not both");
            p.skipChildren();
            return;
        }
        r.eventIdPresent = true;
        r.eventId = readId(p, r, name, true);
    }

    private static String readId(JsonParser p, RecordState r, String field, boolean required) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL && !required) {
            return null;
        }
        if (t != JsonToken.VALUE_STRING) {
            r.problem(field, RejectReason.WRONG_TYPE, "must be a string, got " + describe(t));
            p.skipChildren();
            return null;
        }
        String s = p.getText();
        if (s.isBlank()) {
            r.problem(field, RejectReason.INVALID_VALUE, "must not be blank");
        } else if (s.length() > MAX_ID_LENGTH) {
            r.problem(field, RejectReason.INVALID_VALUE, "longer than " + MAX_ID_LENGTH + " characters");
        }
        return s;
    }

    private void readFeatures(JsonParser p, RecordState r) throws IOException {
        r.featuresPresent = true;
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_ARRAY) {
            r.problem("features", RejectReason.WRONG_TYPE, "must be an array of numbers, got " + describe(t));
            p.skipChildren();
            return;
        }
        int n = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
                float v = p.getFloatValue();
                if (!Float.isFinite(v)) {
                    r.problem("features[" + n + "]", RejectReason.NOT_FINITE, p.isNaN()
                            ? "must be a finite number, got " + p.getText()
                            : "outside the float32 range: " + p.getText());
                } else if (n < inputSize) {
                    r.features[n] = v;
                }
            } else {
                r.problem("features[" + n + "]", RejectReason.WRONG_TYPE, "must be a number, got " + describe(t));
                p.skipChildren();
            }
            n++;
        }
        if (n != inputSize) {
            r.problem("features", RejectReason.FEATURE_COUNT, "must hold " + inputSize + " values, got " + n);
        }
    }

    private void readLabel(JsonParser p, RecordState r) throws IOException {
        r.labelPresent = true;
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NUMBER_INT) {
            r.problem("label", RejectReason.WRONG_TYPE, "must be an integer class index, got "
                    + (t == JsonToken.VALUE_NUMBER_FLOAT ? p.getText() : describe(t)));
            p.skipChildren();
            return;
        }
        if (p.getNumberType() != JsonParser.NumberType.INT || p.getIntValue() < 0 || p.getIntValue() >= classes) {
            r.problem("label", RejectReason.LABEL_OUT_OF_RANGE, "must lie in [0, " + classes + "), got " + p.getText());
            return;
        }
        r.label = p.getIntValue();
    }

    private static void readTimestamp(JsonParser p, RecordState r) throws IOException {
        JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.VALUE_NUMBER_INT) {
            r.problem("timestamp", RejectReason.WRONG_TYPE, "must be an integer (epoch milliseconds), got "
                    + (t == JsonToken.VALUE_NUMBER_FLOAT ? p.getText() : describe(t)));
            p.skipChildren();
            return;
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER || p.getLongValue() < 0) {
            r.problem("timestamp", RejectReason.INVALID_VALUE,
                    "must be non-negative epoch milliseconds, got " + p.getText());
            return;
        }
        r.timestamp = p.getLongValue();
    }

    private static InvalidRequestException notRecords(JsonToken t) {
        return t == null
                ? InvalidRequestException.of(400, "empty body: expected a JSON object or an array of objects",
                        RejectReason.NO_RECORDS, 0)
                : InvalidRequestException.of(400, "body must be a JSON object or an array of objects, got "
                        + describe(t), RejectReason.NOT_AN_OBJECT, 1);
    }

    private static InvalidRequestException malformed(String message, JsonLocation at, int records) {
        int line = at == null ? 0 : at.getLineNr();
        int column = at == null ? 0 : at.getColumnNr();
        return new InvalidRequestException(400, "malformed JSON at line " + line + ", column " + column + ": "
                + message, List.of(), 0, line, column, Map.of(RejectReason.MALFORMED_JSON, Math.max(1, records)));
    }

    static String describe(JsonToken t) {
        if (t == null) {
            return "nothing";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }

    /** The fields of the record being read, reused across the records of one request, and the problems found. */
    private static final class RecordState {
        final RecordKind kind;
        final float[] features;
        final long defaultTimestamp;
        final List<Problem> problems = new ArrayList<>();
        final Map<RejectReason, Integer> rejected = new EnumMap<>(RejectReason.class);
        int problemCount;
        int records;
        int index;
        RejectReason firstProblem;
        String id;
        String eventId;
        boolean eventIdPresent;
        boolean featuresPresent;
        boolean labelPresent;
        int label;
        long timestamp;

        RecordState(RecordKind kind, int inputSize, long defaultTimestamp) {
            this.kind = kind;
            this.features = new float[inputSize];
            this.defaultTimestamp = defaultTimestamp;
        }

        void start() {
            index = records++;
            firstProblem = null;
            id = null;
            eventId = null;
            eventIdPresent = false;
            featuresPresent = false;
            labelPresent = false;
            label = -1;
            timestamp = defaultTimestamp;
        }

        void problem(String field, RejectReason code, String reason) {
            if (firstProblem == null) {
                firstProblem = code;
                rejected.merge(code, 1, Integer::sum);
            }
            if (problemCount++ < MAX_PROBLEMS) {
                problems.add(new Problem(index, field, code, reason));
            }
        }

        boolean valid() {
            return firstProblem == null;
        }

        void checkRequired() {
            if (kind.hasFeatures() && !featuresPresent) {
                problem("features", RejectReason.MISSING_FIELD, "required field is missing");
            }
            if (kind.hasLabel() && !labelPresent) {
                problem("label", RejectReason.MISSING_FIELD, "required field is missing");
            }
            if (kind == RecordKind.LABEL && !eventIdPresent) {
                problem("event_id", RejectReason.MISSING_FIELD, "required field is missing");
            }
        }

        InvalidRequestException rejection() {
            int invalid = rejected.values().stream().mapToInt(Integer::intValue).sum();
            if (records > invalid) {
                rejected.put(RejectReason.BATCH_REJECTED, records - invalid);
            }
            String summary = records == 1 ? "the record is invalid"
                    : invalid + " of " + records + " records are invalid; nothing was accepted";
            if (problemCount > problems.size()) {
                summary += " (first " + problems.size() + " of " + problemCount + " problems listed)";
            }
            return new InvalidRequestException(400, summary, problems, problemCount, 0, 0, rejected);
        }
    }
}

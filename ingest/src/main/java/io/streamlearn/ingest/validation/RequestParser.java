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
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Reads the body of an ingest request into protobuf messages, or straight into their Kafka encoding
 * ({@link #encoded}, what the API uses), and validates every record against the configured shape. JSON (one object or an array) and NDJSON are read with Jackson's streaming parser, features
 * into a reused {@code float[]} without boxing; CSV and delimited protobuf are read by {@link CsvRecords} and
 * {@link ProtobufRecords} with the same checks. After an invalid record, reading goes on so that one answer
 * lists every problem (the first {@link #MAX_PROBLEMS}); the request is then rejected whole. Syntax errors stop
 * at once and say where. Records without an id get a random UUID, without a timestamp the time the request
 * arrived.
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

    /** Samples from a JSON body read as it streams in (an oversized body fails with 413 while reading). */
    public List<Sample> samples(InputStream body) throws IOException, InvalidRequestException {
        return parseJson(body, RecordKind.SAMPLE, this::sample);
    }

    public List<Event> events(InputStream body) throws IOException, InvalidRequestException {
        return parseJson(body, RecordKind.EVENT, this::event);
    }

    public List<Label> labels(InputStream body) throws IOException, InvalidRequestException {
        return parseJson(body, RecordKind.LABEL, RequestParser::label);
    }

    /** Samples from a body already in memory, in any {@link BodyFormat}. */
    public List<Sample> samples(BodyFormat format, byte[] body) throws InvalidRequestException {
        return parse(format, body, body.length, RecordKind.SAMPLE, this::sample);
    }

    public List<Event> events(BodyFormat format, byte[] body) throws InvalidRequestException {
        return parse(format, body, body.length, RecordKind.EVENT, this::event);
    }

    public List<Label> labels(BodyFormat format, byte[] body) throws InvalidRequestException {
        return parse(format, body, body.length, RecordKind.LABEL, RequestParser::label);
    }

    /**
     * Records of {@code kind} from a body in memory, encoded for Kafka: a protobuf record that came complete
     * (id and timestamp) keeps the bytes it came in, the others are encoded here.
     */
    public List<EncodedRecord> encoded(RecordKind kind, BodyFormat format, byte[] body)
            throws InvalidRequestException {
        return encoded(kind, format, body, body.length);
    }

    /** As {@link #encoded(RecordKind, BodyFormat, byte[])} for the first {@code length} bytes of {@code body}. */
    public List<EncodedRecord> encoded(RecordKind kind, BodyFormat format, byte[] body, int length)
            throws InvalidRequestException {
        return parse(format, body, length, kind, r -> {
            if (r.wire != null) {
                return new EncodedRecord(kind == RecordKind.LABEL ? r.eventId : r.id,
                        Arrays.copyOfRange(r.wire, r.wireFrom, r.wireTo));
            }
            return switch (kind) {
                case SAMPLE -> new EncodedRecord(r.id, WireEncoding.sample(r.id, r.features, r.label, r.timestamp));
                case EVENT -> new EncodedRecord(r.id, WireEncoding.event(r.id, r.features, r.timestamp));
                case LABEL -> new EncodedRecord(r.eventId, label(r).toByteArray());
            };
        });
    }

    private Sample sample(RecordState r) {
        Sample.Builder b = Sample.newBuilder().setId(r.id).setLabel(r.label).setTimestampMs(r.timestamp);
        for (int i = 0; i < inputSize; i++) {
            b.addFeatures(r.features[i]);
        }
        return b.build();
    }

    private Event event(RecordState r) {
        Event.Builder b = Event.newBuilder().setId(r.id).setTimestampMs(r.timestamp);
        for (int i = 0; i < inputSize; i++) {
            b.addFeatures(r.features[i]);
        }
        return b.build();
    }

    private static Label label(RecordState r) {
        return Label.newBuilder().setEventId(r.eventId).setLabel(r.label).setTimestampMs(r.timestamp).build();
    }

    private RecordState newState(RecordKind kind) {
        return new RecordState(kind, inputSize, classes, clockMs.getAsLong());
    }

    private <T> List<T> parse(BodyFormat format, byte[] body, int length, RecordKind kind,
                              Function<RecordState, T> build) throws InvalidRequestException {
        RecordState r = newState(kind);
        List<T> out = switch (format) {
            case JSON, NDJSON -> parseJson(body, length, r, format == BodyFormat.NDJSON, build);
            case CSV -> CsvRecords.read(body, length, r, maxRecords, build);
            case PROTOBUF -> ProtobufRecords.read(body, length, r, maxRecords, build);
        };
        r.throwIfInvalid();
        return out;
    }

    private <T> List<T> parseJson(InputStream body, RecordKind kind, Function<RecordState, T> build)
            throws IOException, InvalidRequestException {
        RecordState r = newState(kind);
        List<T> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            readJson(p, r, false, build, out);
        } catch (JsonProcessingException e) {
            throw malformed(e.getOriginalMessage(), e.getLocation(), r.records);
        } catch (CharConversionException e) {
            throw malformed(e.getMessage(), null, r.records);
        } catch (BodyTooLargeException e) {
            throw InvalidRequestException.of(413, e.getMessage(), RejectReason.BODY_TOO_LARGE, Math.max(1, r.records));
        }
        r.throwIfInvalid();
        return out;
    }

    private <T> List<T> parseJson(byte[] body, int length, RecordState r, boolean ndjson,
                                  Function<RecordState, T> build) throws InvalidRequestException {
        List<T> out = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body, 0, length)) {
            readJson(p, r, ndjson, build, out);
        } catch (JsonProcessingException e) {
            throw malformed(e.getOriginalMessage(), e.getLocation(), r.records);
        } catch (IOException e) {
            // Nothing is read from a socket here: any I/O error is an undecodable body (e.g. bad UTF-32).
            throw malformed(e.getMessage(), null, r.records);
        }
        return out;
    }

    private <T> void readJson(JsonParser p, RecordState r, boolean ndjson, Function<RecordState, T> build,
                              List<T> out) throws IOException, InvalidRequestException {
        JsonToken t = p.nextToken();
        if (ndjson) {
            readSequence(p, t, r, build, out);
            return;
        }
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
    }

    /** NDJSON: objects one after the other (one per line), until the end of the body. */
    private <T> void readSequence(JsonParser p, JsonToken first, RecordState r, Function<RecordState, T> build,
                                  List<T> out) throws IOException, InvalidRequestException {
        if (first == null) {
            throw InvalidRequestException.of(400, "empty body: expected one JSON object per line",
                    RejectReason.NO_RECORDS, 0);
        }
        for (JsonToken t = first; t != null; t = p.nextToken()) {
            readElement(p, t, r, build, out);
        }
    }

    private <T> void readArray(JsonParser p, RecordState r, Function<RecordState, T> build, List<T> out)
            throws IOException, InvalidRequestException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            readElement(p, t, r, build, out);
        }
        if (r.records == 0) {
            throw InvalidRequestException.of(400, "no records: the array is empty", RejectReason.NO_RECORDS, 0);
        }
    }

    private <T> void readElement(JsonParser p, JsonToken t, RecordState r, Function<RecordState, T> build,
                                 List<T> out) throws IOException, InvalidRequestException {
        r.checkCapacity(maxRecords);
        if (t == JsonToken.START_OBJECT) {
            readRecordInto(p, r, build, out);
        } else {
            r.start();
            r.problem("", RejectReason.NOT_AN_OBJECT, "must be a JSON object, got " + describe(t));
            p.skipChildren();
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

    private static void readEventId(JsonParser p, RecordState r, String name) throws IOException {
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
        return r.checkId(field, p.getText());
    }

    private static void readFeatures(JsonParser p, RecordState r) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.START_ARRAY) {
            r.featuresPresent = true;
            r.problem("features", RejectReason.WRONG_TYPE, "must be an array of numbers, got " + describe(t));
            p.skipChildren();
            return;
        }
        int n = 0;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_NUMBER_INT) {
                float v = p.getFloatValue();
                r.feature(n, v, Float.isFinite(v) ? null : p.getText());
            } else {
                r.problem("features[" + n + "]", RejectReason.WRONG_TYPE, "must be a number, got " + describe(t));
                p.skipChildren();
            }
            n++;
        }
        r.featureCount(n);
    }

    private static void readLabel(JsonParser p, RecordState r) throws IOException {
        JsonToken t = p.currentToken();
        if (t != JsonToken.VALUE_NUMBER_INT) {
            r.labelPresent = true;
            r.problem("label", RejectReason.WRONG_TYPE, "must be an integer class index, got "
                    + (t == JsonToken.VALUE_NUMBER_FLOAT ? p.getText() : describe(t)));
            p.skipChildren();
            return;
        }
        long v = p.getNumberType() != JsonParser.NumberType.BIG_INTEGER ? p.getLongValue() : -1;
        r.label(v, v >= 0 && v < r.classes ? null : p.getText());
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
        long v = p.getNumberType() != JsonParser.NumberType.BIG_INTEGER ? p.getLongValue() : -1;
        r.timestamp(v, v >= 0 ? null : p.getText());
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
        String where = at == null ? "" : " at line " + line + ", column " + column;
        return new InvalidRequestException(400, "malformed JSON" + where + ": " + message, List.of(), 0, line,
                column, Map.of(RejectReason.MALFORMED_JSON, Math.max(1, records)));
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
}

package io.streamlearn.ingest.validation;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of the record being read, reused across the records of one request whatever its format, the
 * checks every format shares (id, feature values and count, label range, timestamp) and the problems found.
 */
final class RecordState {
    final RecordKind kind;
    final int inputSize;
    final int classes;
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
    /** The record's protobuf encoding as received, when it can go to Kafka as is (null otherwise). */
    byte[] wire;
    int wireFrom;
    int wireTo;

    RecordState(RecordKind kind, int inputSize, int classes, long defaultTimestamp) {
        this.kind = kind;
        this.inputSize = inputSize;
        this.classes = classes;
        this.features = new float[inputSize];
        this.defaultTimestamp = defaultTimestamp;
    }

    /** Fails with 413 when a request brings more records than {@code maxRecords}; call before {@link #start()}. */
    void checkCapacity(int maxRecords) throws InvalidRequestException {
        if (records == maxRecords) {
            throw InvalidRequestException.of(413, "too many records: more than the limit of " + maxRecords
                    + " per request", RejectReason.TOO_MANY_RECORDS, maxRecords + 1);
        }
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
        wire = null;
    }

    void keepWire(byte[] body, int from, int to) {
        wire = body;
        wireFrom = from;
        wireTo = to;
    }

    void problem(String field, RejectReason code, String reason) {
        if (firstProblem == null) {
            firstProblem = code;
            rejected.merge(code, 1, Integer::sum);
        }
        if (problemCount++ < RequestParser.MAX_PROBLEMS) {
            problems.add(new Problem(index, field, code, reason));
        }
    }

    boolean valid() {
        return firstProblem == null;
    }

    /** Checks an id given as text and returns it. */
    String checkId(String field, String s) {
        if (s.isBlank()) {
            problem(field, RejectReason.INVALID_VALUE, "must not be blank");
        } else if (s.length() > RequestParser.MAX_ID_LENGTH) {
            problem(field, RejectReason.INVALID_VALUE, "longer than " + RequestParser.MAX_ID_LENGTH + " characters");
        }
        return s;
    }

    /**
     * Checks feature {@code n} and keeps it; {@code text} is the value as the client wrote it, for the message
     * (null: print {@code v}, which only happens for a bad value, so valid features cost no formatting).
     */
    void feature(int n, float v, String text) {
        if (Float.isFinite(v)) {
            if (n < inputSize) {
                features[n] = v;
            }
            return;
        }
        String shown = text != null ? text : Float.toString(v);
        problem("features[" + n + "]", RejectReason.NON_FINITE_FEATURE, spellsNumber(shown)
                ? "outside the float32 range: " + shown
                : "must be a finite number, got " + shown);
    }

    /** True when {@code text} spells a number (too large for float32) rather than NaN or an infinity. */
    private static boolean spellsNumber(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isLetter(c) && c != 'e' && c != 'E') {
                return false;
            }
        }
        return true;
    }

    void featureCount(int n) {
        featuresPresent = true;
        if (n != inputSize) {
            problem("features", RejectReason.WRONG_FEATURE_COUNT, "must hold " + inputSize + " values, got " + n);
        }
    }

    /** Checks a label; {@code text} as the client wrote it (null: print {@code v}). */
    void label(long v, String text) {
        labelPresent = true;
        if (v < 0 || v >= classes) {
            problem("label", RejectReason.LABEL_OUT_OF_RANGE, "must lie in [0, " + classes + "), got "
                    + (text != null ? text : Long.toString(v)));
        } else {
            label = (int) v;
        }
    }

    /** Checks a timestamp; {@code text} as the client wrote it (null: print {@code v}). */
    void timestamp(long v, String text) {
        if (v < 0) {
            problem("timestamp", RejectReason.INVALID_VALUE, "must be non-negative epoch milliseconds, got "
                    + (text != null ? text : Long.toString(v)));
        } else {
            timestamp = v;
        }
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

    /** Throws the rejection of the whole request if any record had a problem. */
    void throwIfInvalid() throws InvalidRequestException {
        if (problemCount > 0) {
            throw rejection();
        }
    }

    private InvalidRequestException rejection() {
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

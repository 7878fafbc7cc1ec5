package io.streamlearn.ingest.validation;

import io.streamlearn.common.wire.PackedFloats;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads a body of length-delimited protobuf messages (each a varint size then the message, as
 * {@code writeDelimitedTo} writes them) of the endpoint's wire type ({@code Sample}, {@code Event} or
 * {@code Label} of {@code streamlearn.proto}). The wire format is checked directly, without building messages:
 * features are read in place as little-endian floats, so validating a 784-feature sample costs no allocation.
 * Decoding follows protobuf's rules (packed or unpacked features, the last value of a repeated scalar wins,
 * strings must be UTF-8, 32-bit varints keep their low 32 bits); fields not in the schema are rejected, and so
 * are 64-bit varints with more than 64 bits, which protobuf-java's own decoders read differently. An empty id or a
 * zero timestamp counts as absent. A valid message that already has both is kept as it came
 * ({@link RecordState#wireFrom}), so it reaches Kafka without being encoded again.
 */
final class ProtobufRecords {
    private static final int VARINT = 0;
    private static final int I64 = 1;
    private static final int LEN = 2;
    private static final int I32 = 5;

    private final byte[] body;
    /** Where the body ends: the array may be a reused buffer longer than the request. */
    private final int bodyLength;
    private final ByteBuffer floats;
    private final RecordState r;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private int pos;

    private ProtobufRecords(byte[] body, int length, RecordState r) {
        this.body = body;
        this.bodyLength = length;
        this.floats = ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN);
        this.r = r;
    }

    static <T> List<T> read(byte[] body, int length, RecordState r, int maxRecords, Function<RecordState, T> build)
            throws InvalidRequestException {
        if (length == 0) {
            throw InvalidRequestException.of(400, "empty body: expected length-delimited protobuf messages",
                    RejectReason.NO_RECORDS, 0);
        }
        return new ProtobufRecords(body, length, r).readAll(maxRecords, build);
    }

    private <T> List<T> readAll(int maxRecords, Function<RecordState, T> build) throws InvalidRequestException {
        List<T> out = new ArrayList<>();
        while (pos < bodyLength) {
            r.checkCapacity(maxRecords);
            int start = pos;
            int size = varint32("a message size");
            if (size < 0 || size > bodyLength - pos) {
                throw malformed("message " + r.records + " at byte " + start + " announces " + size
                        + " bytes but the body has " + (bodyLength - pos) + " left");
            }
            int from = pos;
            int end = from + size;
            r.start();
            boolean complete = message(end);
            r.checkRequired();
            if (r.valid()) {
                if (complete) {
                    r.keepWire(body, from, end);
                } else if (r.id == null && r.kind != RecordKind.LABEL) {
                    r.id = UUID.randomUUID().toString();
                }
                out.add(build.apply(r));
            }
            pos = end;
        }
        return out;
    }

    /** Reads one message ending at {@code end} into {@code r}; true when it carries its own id and timestamp. */
    private boolean message(int end) throws InvalidRequestException {
        int features = 0;
        int label = 0;
        long timestamp = 0;
        String id = "";
        while (pos < end) {
            int tag = varint32("a field tag");
            int field = tag >>> 3;
            int type = tag & 7;
            if (field == 0) {
                throw malformed("message " + r.index + " holds an invalid field tag " + Integer.toUnsignedString(tag));
            }
            switch (r.kind.protoField(field, type)) {
                case ID -> id = string(end);
                case FEATURES -> features = features(end, type, features);
                case LABEL -> label = varint32("a label");
                case TIMESTAMP -> timestamp = varint64("a timestamp");
                case UNKNOWN -> unknown(end, field, type);
            }
            if (pos > end) {
                throw malformed("message " + r.index + " has a field running past its end");
            }
        }
        if (r.kind.hasFeatures()) {
            r.featureCount(features);
        }
        if (r.kind.hasLabel()) {
            r.label(label, null);
        }
        boolean hasId = !id.isEmpty();
        if (r.kind == RecordKind.LABEL) {
            r.eventIdPresent = hasId;
            r.eventId = hasId ? r.checkId("event_id", id) : null;
        } else {
            r.id = hasId ? r.checkId("id", id) : null;
        }
        if (timestamp != 0) {
            r.timestamp(timestamp, null);
        }
        return hasId && timestamp != 0;
    }

    private int features(int end, int type, int count) throws InvalidRequestException {
        if (type == I32) {
            need(4, end);
            r.feature(count, floats.getFloat(pos), null);
            pos += 4;
            return count + 1;
        }
        int length = length(end);
        if (length % 4 != 0) {
            throw malformed("message " + r.index + " has packed features of " + length
                    + " bytes, not a whole number of floats");
        }
        int values = length / 4;
        float[] kept = r.features;
        // The hot loop of the API: one bulk copy of the values that fit (none when an earlier run filled the input
        // size), then a scan for non-finite ones.
        int fit = PackedFloats.copyFitting(body, pos, values, kept, count);
        for (int i = count; i < count + fit; i++) {
            if (!Float.isFinite(kept[i])) {
                r.feature(i, kept[i], null);
            }
        }
        for (int i = fit; i < values; i++) {
            r.feature(count + i, floats.getFloat(pos + 4 * i), null);
        }
        pos += length;
        return count + values;
    }

    private String string(int end) throws InvalidRequestException {
        int length = length(end);
        int from = pos;
        pos += length;
        boolean ascii = true;
        for (int i = from; i < pos && ascii; i++) {
            ascii = body[i] >= 0;
        }
        if (ascii) {
            return new String(body, from, length, StandardCharsets.US_ASCII);
        }
        try {
            CharBuffer chars = utf8.decode(ByteBuffer.wrap(body, from, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw malformed("message " + r.index + " has a string field that is not valid UTF-8");
        }
    }

    private void unknown(int end, int field, int type) throws InvalidRequestException {
        switch (type) {
            case VARINT -> varint64("an unknown field");
            case I64 -> skip(8, end);
            case LEN -> skip(length(end), end);
            case I32 -> skip(4, end);
            default -> throw malformed("message " + r.index + " holds field " + field + " of wire type " + type
                    + " (groups are not part of the schema)");
        }
        r.problem("", RejectReason.UNKNOWN_FIELD, "field number " + field + " with wire type " + type
                + " is not part of " + r.kind.protoName());
    }

    private int length(int end) throws InvalidRequestException {
        int length = varint32("a length");
        if (length < 0 || length > end - pos) {
            throw malformed("message " + r.index + " has a field of " + length + " bytes running past its end");
        }
        return length;
    }

    private void need(int bytes, int end) throws InvalidRequestException {
        if (end - pos < bytes) {
            throw malformed("message " + r.index + " ends inside a field");
        }
    }

    private void skip(int bytes, int end) throws InvalidRequestException {
        need(bytes, end);
        pos += bytes;
    }

    /** A 32-bit varint (tag, length, int32): the low 32 bits of up to 10 bytes, as protobuf reads them. */
    private int varint32(String what) throws InvalidRequestException {
        return (int) varint(what, false);
    }

    /**
     * A 64-bit varint: up to 10 bytes, a tenth being exactly 1 (bit 63). protobuf-java's array and stream decoders
     * read other tenth bytes differently, so those are refused rather than passed on to consumers that could read
     * another value than the one checked here.
     */
    private long varint64(String what) throws InvalidRequestException {
        return varint(what, true);
    }

    private long varint(String what, boolean strict) throws InvalidRequestException {
        long value = 0;
        for (int i = 0; i < 10; i++) {
            if (pos >= bodyLength) {
                throw malformed("the body ends inside " + what + " (message " + r.records + ")");
            }
            byte b = body[pos++];
            if (i == 9 && strict && b != 1) {
                throw malformed(what + " at byte " + (pos - 10) + " has more than 64 bits");
            }
            value |= (long) (b & 0x7f) << (7 * i);
            if (b >= 0) {
                return value;
            }
        }
        throw malformed(what + " at byte " + (pos - 10) + " is a varint longer than 10 bytes");
    }

    private InvalidRequestException malformed(String message) {
        return new InvalidRequestException(400, "malformed protobuf: " + message, List.of(), 0, 0, 0,
                Map.of(RejectReason.MALFORMED_PROTOBUF, Math.max(1, r.records)));
    }
}

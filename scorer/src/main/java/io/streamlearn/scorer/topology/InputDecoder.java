package io.streamlearn.scorer.topology;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.streamlearn.common.wire.Event;
import io.streamlearn.common.wire.PackedFloats;
import io.streamlearn.common.wire.Sample;
import io.streamlearn.scorer.topology.InputKind.Input;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Reads the fields scoring needs straight from the wire bytes of an {@code Event} or a {@code Sample}, with
 * protobuf's own {@link CodedInputStream} for tags, varints, strings and skipped fields, but features copied in bulk
 * from the record's own bytes into a {@code float[]} by {@link PackedFloats}: the generated parser appends them one
 * by one to a boxed-list-like buffer, which measured as a third of the scorer's stream thread. It accepts and rejects
 * exactly what the generated parsers do (checked by a differential test), including unpacked and split feature runs
 * and unknown fields. A caller may pass an array to decode the features into: it is the input's features when they
 * fill it exactly, so a scorer that reuses its arrays allocates nothing per record for them.
 */
final class InputDecoder {
    /** Id and features have the same numbers in both messages. */
    private static final int ID = Sample.ID_FIELD_NUMBER;
    private static final int FEATURES = Sample.FEATURES_FIELD_NUMBER;
    private static final int LABEL = Sample.LABEL_FIELD_NUMBER;
    private static final int SAMPLE_TIMESTAMP = Sample.TIMESTAMP_MS_FIELD_NUMBER;
    private static final int EVENT_TIMESTAMP = Event.TIMESTAMP_MS_FIELD_NUMBER;

    private InputDecoder() {
    }

    /**
     * Decodes an event ({@code sample} false) or a sample, its features into {@code into} as far as they fit; the
     * returned features are {@code into} itself exactly when there are {@code into.length} of them.
     */
    static Input decode(byte[] value, boolean sample, float[] into) throws InvalidProtocolBufferException {
        if (value == null || value.length == 0) {
            throw new InvalidProtocolBufferException("empty payload"); // as ProtoSerde: a record with no fields
        }
        try {
            return read(value, CodedInputStream.newInstance(value), sample, into);
        } catch (InvalidProtocolBufferException e) {
            throw e;
        } catch (IOException e) {
            throw new UncheckedIOException("reading a byte array cannot fail but for its content", e);
        }
    }

    private static Input read(byte[] value, CodedInputStream in, boolean sample, float[] into) throws IOException {
        String id = "";
        float[] features = into;
        int count = 0;
        int label = 0;
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
            int field = WireFormat.getTagFieldNumber(tag);
            int type = WireFormat.getTagWireType(tag);
            if (field == ID && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                id = in.readStringRequireUtf8();
            } else if (field == FEATURES && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int floats = PackedFloats.readRunCount(in);
                features = PackedFloats.appendRun(in, value, floats, features, count);
                count += floats;
            } else if (field == FEATURES && type == WireFormat.WIRETYPE_FIXED32) {
                features = PackedFloats.appendOne(in, features, count);
                count++;
            } else if (sample && field == LABEL && type == WireFormat.WIRETYPE_VARINT) {
                label = in.readInt32();
            } else if (field == (sample ? SAMPLE_TIMESTAMP : EVENT_TIMESTAMP) && type == WireFormat.WIRETYPE_VARINT) {
                in.readInt64();
            } else if (!in.skipField(tag)) {
                throw new InvalidProtocolBufferException("an end-group tag outside any group");
            }
        }
        return new Input(id, count == features.length ? features : Arrays.copyOf(features, count), sample, label);
    }
}

package io.streamlearn.bench.data;

import com.google.protobuf.CodedOutputStream;
import io.streamlearn.common.wire.Event;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Serializes {@link Event}s over a fixed set of feature rows at a fraction of the generated builder's cost: each
 * row's packed {@code features} field is encoded once, and an event is its id, those bytes and its timestamp,
 * written in field order, byte for byte what {@code Event.toByteArray()} gives. A load generator that shares two
 * cores with the system under test should spend as little of them as it can; building 784 boxed-list floats per
 * event took a third of the benchmark JVM's samples at 33,000 events/s.
 */
public final class EventEncoder {
    private final byte[][] featureFields;

    public EventEncoder(float[][] rows) {
        featureFields = new byte[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            featureFields[r] = Synthetic.event("", rows[r], 0).toByteArray();
        }
    }

    public int rows() {
        return featureFields.length;
    }

    /** The serialized event with {@code id}, the features of row {@code row} and {@code timestampMs}. */
    public byte[] encode(String id, int row, long timestampMs) {
        byte[] features = featureFields[row];
        // proto3 leaves fields at their default value out
        boolean hasId = !id.isEmpty();
        boolean hasTimestamp = timestampMs != 0;
        int size = (hasId ? CodedOutputStream.computeStringSize(Event.ID_FIELD_NUMBER, id) : 0) + features.length
                + (hasTimestamp ? CodedOutputStream.computeInt64Size(Event.TIMESTAMP_MS_FIELD_NUMBER, timestampMs) : 0);
        byte[] out = new byte[size];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        try {
            if (hasId) {
                stream.writeString(Event.ID_FIELD_NUMBER, id);
            }
            stream.writeRawBytes(features);
            if (hasTimestamp) {
                stream.writeInt64(Event.TIMESTAMP_MS_FIELD_NUMBER, timestampMs);
            }
            stream.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new UncheckedIOException("an event does not fit its computed size", e);
        }
        return out;
    }
}
